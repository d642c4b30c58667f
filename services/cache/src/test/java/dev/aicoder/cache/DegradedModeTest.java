package dev.aicoder.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped and restarted under a running cache: memory and files keep answering, writes say
 * they are degraded, readiness stays up and says why, and when Redis returns the replica drops what
 * it held (it may have missed invalidations) and shares writes again, without a restart.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class DegradedModeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static JsonPath readiness() {
    return given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
  }

  private static void awaitRedis(String state) {
    Awaitility.await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> state.equals(readiness().getString("checks[0].data.redis")));
  }

  @Test
  void withoutRedisMemoryAndFilesAnswerAndRecoveryDropsWhatMayBeStale() {
    given()
        .body(new byte[] {1})
        .put("/cache/outage/before")
        .then()
        .statusCode(200)
        .body("degraded", equalTo(false));
    awaitRedis("up");
    LocalRedis redis = LocalRedisResource.redis();
    try {
      redis.stop();
      awaitRedis("down");
      assertThat(readiness().getString("status")).isEqualTo("UP");
      assertThat(readiness().getString("checks[0].data.reason"))
          .contains("memory and files answer");

      given().get("/cache/outage/before").then().statusCode(200).header("Cache-Tier", "memory");
      given()
          .body(new byte[] {2})
          .put("/cache/outage/during")
          .then()
          .statusCode(200)
          .body("degraded", equalTo(true))
          .body("reason", containsString("Redis is unreachable"));
      given().get("/cache/outage/during").then().statusCode(200).header("Cache-Tier", "memory");
      given()
          .get("/cache/stats")
          .then()
          .statusCode(200)
          .body("redis", equalTo("down"))
          .body("degraded", equalTo(true));
      given().delete("/cache/outage/during").then().statusCode(503);
    } finally {
      redis.startProcess();
    }
    awaitRedis("up");
    // Whatever memory held before the outage is gone: it could have changed elsewhere meanwhile.
    given().get("/cache/outage/during").then().statusCode(404);
    String tier = given().get("/cache/outage/before").then().extract().header("Cache-Tier");
    assertThat(tier).isNotEqualTo("memory");
    given()
        .body(new byte[] {3})
        .put("/cache/outage/after")
        .then()
        .statusCode(200)
        .body("degraded", equalTo(false));
  }

  @Test
  void metricsCarryTheApplicationTag() {
    given().get("/q/metrics").then().statusCode(200).body(containsString("application=\"cache\""));
  }
}
