package dev.aicoder.cache.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11 row 4: with no credential configured, only callers on the loopback are served. */
@QuarkusTest
@TestProfile(LoopbackOnlyTest.AllInterfaces.class)
@QuarkusTestResource(LocalRedisResource.class)
class LoopbackOnlyTest {

  /** Listens on every interface, as in a pod, with no credential. */
  public static class AllInterfaces implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.http.test-host", "0.0.0.0", "quarkus.http.host", "0.0.0.0");
    }
  }

  @Test
  void aCallerFromTheNetworkIsRefusedUntilACredentialIsSet() throws SocketException {
    InetAddress external =
        NetworkInterface.networkInterfaces()
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst()
            .orElseThrow(() -> new AssertionError("This machine has no non-loopback address"));
    String url = "http://" + external.getHostAddress() + ":" + RestAssured.port;
    given()
        .post(url + "/cache/clear")
        .then()
        .statusCode(403)
        .body("type", equalTo("/problems/internal-credential-not-configured"));
    assertThat(given().get("http://127.0.0.1:" + RestAssured.port + "/cache/stats").statusCode())
        .isEqualTo(200);
  }
}
