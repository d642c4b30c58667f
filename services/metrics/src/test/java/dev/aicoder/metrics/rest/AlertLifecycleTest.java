package dev.aicoder.metrics.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.metrics.FakeTarget;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real scrape crossing the CPU threshold fires, hovering at it holds, clearing resolves. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeTarget.class)
class AlertLifecycleTest {

  private static final String WARNING = "AiCoderCpuHigh:warning:fake:";

  private static JsonPath alerts() {
    return given()
        .get("/api/performance/alerts?limit=200")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static String warningState() {
    List<String> states =
        alerts().getList("active.findAll { it.id.startsWith('" + WARNING + "') }.state");
    return states.isEmpty() ? "none" : states.get(0);
  }

  private static long at() {
    return given().get("/api/performance").then().extract().jsonPath().getLong("at");
  }

  private static void waitScrapes(int n) {
    long start = at();
    await().atMost(Duration.ofSeconds(30)).until(() -> at() >= start + (n * 1000L) - 100);
  }

  @Test
  void crossingFiresHoveringHoldsAndClearingResolvesOnce() {
    FakeTarget.cpu(0.1);
    await().atMost(Duration.ofSeconds(20)).until(() -> warningState().equals("none"));
    int eventsBefore = events("firing") + events("resolved");

    FakeTarget.cpu(0.75);
    await().atMost(Duration.ofSeconds(20)).until(() -> warningState().equals("firing"));
    assertThat(alerts().getList("history.findAll { it.id.startsWith('" + WARNING + "') }.state"))
        .contains("pending", "firing");

    // Below the threshold but within the hysteresis margin (0.7 × 0.95 = 0.665): still firing.
    FakeTarget.cpu(0.68);
    waitScrapes(5);
    assertThat(warningState()).isEqualTo("firing");
    FakeTarget.cpu(0.72);
    waitScrapes(2);
    FakeTarget.cpu(0.67);
    waitScrapes(3);
    assertThat(warningState()).isEqualTo("firing");

    FakeTarget.cpu(0.3);
    await().atMost(Duration.ofSeconds(20)).until(() -> warningState().equals("none"));
    assertThat(events("firing") + events("resolved") - eventsBefore).isEqualTo(2);
    assertThat(alerts().getString("history[0].state")).isEqualTo("resolved");
  }

  private static int events(String state) {
    return alerts()
        .getList(
            "history.findAll { it.id.startsWith('"
                + WARNING
                + "') && it.state == '"
                + state
                + "' }")
        .size();
  }
}
