package dev.aicoder.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 row 7: password guessing is slowed without locking owners out. Behind a trusted proxy
 * (the test client) each request names its client address in X-Forwarded-For.
 */
@QuarkusTest
@TestProfile(LoginThrottleTest.BehindProxy.class)
@QuarkusTestResource(LocalRedisResource.class)
class LoginThrottleTest {

  /** The test client is the trusted proxy; the throttle's delays are the defaults. */
  public static class BehindProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.proxy.proxy-address-forwarding", "true",
          "quarkus.http.proxy.allow-x-forwarded", "true",
          "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
    }
  }

  @Test
  void wrongPasswordsFromManyAddressesDoNotLockOutTheOwner() {
    String user = Api.userOf(Api.newMember("target"));
    for (int i = 0; i < 5; i++) {
      assertThat(login(user, "guess-" + i, "198.51.100." + i).statusCode()).isEqualTo(401);
    }
    Response owner = login(user, "password-" + user, "203.0.113.1");
    assertThat(owner.statusCode()).as(owner.asString()).isEqualTo(200);
  }

  @Test
  void aParallelBurstGetsNoMoreGuessesThanASerialOne() throws Exception {
    String user = Api.userOf(Api.newMember("burst"));
    ExecutorService pool = Executors.newFixedThreadPool(30);
    long started = System.nanoTime();
    List<Future<Integer>> tries =
        IntStream.range(0, 60)
            .mapToObj(
                i -> pool.submit(() -> login(user, "guess-" + i, "192.0.2." + i).statusCode()))
            .toList();
    int checked = 0;
    for (Future<Integer> attempt : tries) {
      int status = attempt.get();
      assertThat(status).isIn(401, 429);
      checked += status == 401 ? 1 : 0;
    }
    pool.shutdown();
    // Five failures, then one attempt per delay (1 s, 2 s, 4 s...): a burst gets what a serial
    // attacker gets in the same time, not 60 checks at once.
    double seconds = (System.nanoTime() - started) / 1e9;
    int serial = 6 + (int) Math.floor(Math.log(seconds + 1) / Math.log(2));
    assertThat(checked).as("passwords checked in %.1f s", seconds).isBetween(5, serial);
    // Attempts in quick succession are refused with the wait (one may land just as a delay ends).
    Response refused = null;
    for (int i = 0; i < 3 && (refused == null || refused.statusCode() != 429); i++) {
      refused = login(user, "guess-again", "192.0.2.20" + i);
    }
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 15);

    // The owner gets in within 30 s of the attack stopping.
    long stopped = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> login(user, "password-" + user, "203.0.113.2").statusCode() == 200);
    assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void anAddressThatKeepsFailingWaitsOutTheWindowAndOthersDoNot() {
    String address = "198.18.0.1";
    for (int i = 0; i < 20; i++) {
      assertThat(login("nobody-" + i, "guess", address).statusCode()).isEqualTo(401);
    }
    Response slowed = login("nobody-20", "guess", address);
    assertThat(slowed.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(slowed.header("Retry-After"))).isGreaterThan(60);
    assertThat(slowed.jsonPath().getString("detail")).contains("from this address");
    // Even the right password waits there; from another address it works.
    String user = Api.userOf(Api.newMember("bystander"));
    assertThat(login(user, "password-" + user, address).statusCode()).isEqualTo(429);
    assertThat(login(user, "password-" + user, "198.18.0.2").statusCode()).isEqualTo(200);
  }

  static Response login(String user, String password, String address) {
    return given()
        .contentType(ContentType.JSON)
        .header("X-Forwarded-For", address)
        .body(Map.of("username", user, "password", password))
        .post("/api/auth/login");
  }
}
