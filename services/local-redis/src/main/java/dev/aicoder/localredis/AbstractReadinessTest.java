package dev.aicoder.localredis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The readiness contract every service keeps: ready while Redis answers, not ready while it is
 * down, ready again once it is back, without a restart. A service's test extends it with
 * {@code @QuarkusTest} and {@code @QuarkusTestResource(LocalRedisResource.class)}.
 */
public abstract class AbstractReadinessTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void readinessFollowsRedis() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    awaitReady(200, "UP");
    LocalRedis redis = LocalRedisResource.redis();
    try {
      redis.stop();
      awaitReady(503, "DOWN");
      given().get("/q/health/live").then().statusCode(200);
    } finally {
      redis.startProcess();
    }
    awaitReady(200, "UP");
  }

  @Test
  void metricsCarryTheApplicationTag() {
    String app = ConfigProvider.getConfig().getValue("quarkus.application.name", String.class);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("application=\"" + app + "\""));
  }

  /**
   * Five readiness checks in a row are UP, each within {@code withinMs}: one queued behind a
   * service's blocking stream read would take that read's block time.
   */
  protected static void assertReadyAtOnce(long withinMs) {
    awaitReady(200, "UP");
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < withinMs, "readiness check " + i + " took " + tookMs + " ms");
    }
  }

  private static void awaitReady(int status, String state) {
    Awaitility.await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(status)
                    .body("status", equalTo(state)));
  }
}
