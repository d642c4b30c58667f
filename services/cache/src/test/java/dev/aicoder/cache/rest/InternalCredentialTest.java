package dev.aicoder.cache.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.common.InternalCredential;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11 row 4: with a credential configured, the cache's routes need it, even locally. */
@QuarkusTest
@TestProfile(InternalCredentialTest.WithToken.class)
@QuarkusTestResource(LocalRedisResource.class)
class InternalCredentialTest {

  static final String TOKEN = "internal-token-for-tests-0123456789";

  /** The cache has an internal credential. */
  public static class WithToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.internal-token", TOKEN);
    }
  }

  @Test
  void aCallWithoutTheCredentialIsRefusedAndClearsNothing() {
    given()
        .post("/cache/clear")
        .then()
        .statusCode(401)
        .body("type", equalTo("/problems/internal-credential-required"));
    given()
        .header(InternalCredential.HEADER, TOKEN + "x")
        .get("/cache/stats")
        .then()
        .statusCode(401);
    given().header(InternalCredential.HEADER, TOKEN).post("/cache/clear").then().statusCode(200);
    // Health and metrics stay open to probes and scrapers.
    given().get("/q/health/live").then().statusCode(200);
  }
}
