package dev.aicoder.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.aicoder.gateway.FakeServicesResource;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeServicesResource.class)
class StatusResourceTest {

  /** The status timeout the fake services resource configures. */
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  /** Scheduling slack on a loaded two-core machine. */
  private static final Duration MARGIN = Duration.ofMillis(700);

  @Test
  void healthIsUp() {
    given().get("/health").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void listsEveryServiceAndMarksStoppedOnesDownWithinTheTimeout() {
    status(); // warm up the HTTP client and JIT before measuring
    long start = System.nanoTime();
    ValidatableResponse response = status();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    response
        .body("status", equalTo("DEGRADED"))
        .body(
            "services.name",
            containsInAnyOrder("gateway", "chat-websocket", "ai-streaming", "cache", "metrics"))
        .body("services.find { it.name == 'gateway' }.status", equalTo("UP"))
        .body("services.find { it.name == 'chat-websocket' }.status", equalTo("UP"))
        .body(
            "services.find { it.name == 'chat-websocket' }.version",
            equalTo(FakeServicesResource.FAKE_VERSION))
        .body("services.find { it.name == 'ai-streaming' }.status", equalTo("UP"))
        .body("services.find { it.name == 'ai-streaming' }.version", equalTo("0.1.0-SNAPSHOT"))
        .body("services.find { it.name == 'cache' }.status", equalTo("DOWN"))
        .body("services.find { it.name == 'cache' }.detail", startsWith("no answer within"))
        .body("services.find { it.name == 'metrics' }.status", equalTo("DOWN"))
        .body("services.find { it.name == 'metrics' }.detail", containsString("refused"))
        .body("redis.status", equalTo("UP"));
    assertThat(took).isLessThan(TIMEOUT.plus(MARGIN));
  }

  @Test
  void redisOutageShowsAsDownNotAsAnError() {
    LocalRedis redis = LocalRedisResource.redis();
    redis.stop();
    try {
      long start = System.nanoTime();
      status()
          .body("redis.status", equalTo("DOWN"))
          .body("services.find { it.name == 'gateway' }.status", equalTo("DOWN"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(MARGIN));
    } finally {
      redis.startProcess();
    }
  }

  @Test
  void unknownApiRouteIsProblemJson() {
    given()
        .get("/api/status/nope")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404));
  }

  private static ValidatableResponse status() {
    return given().get("/api/status").then().statusCode(200);
  }
}
