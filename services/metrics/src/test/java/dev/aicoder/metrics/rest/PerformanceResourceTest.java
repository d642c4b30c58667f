package dev.aicoder.metrics.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.metrics.FakeTarget;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeTarget.class)
class PerformanceResourceTest {

  @TestHTTPResource("/api/performance/live")
  URI live;

  private static JsonPath snapshot() {
    return given().get("/api/performance").then().statusCode(200).extract().jsonPath();
  }

  private static Float fakeValue(String figure) {
    return snapshot().get("instances.find { it.service == 'fake' }.values." + figure);
  }

  @Test
  void scrapesTheTargetsAndMarksTheDeadOneWhileTheOthersKeepUpdating() {
    FakeTarget.cpu(0.2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Float.valueOf(0.2f).equals(fakeValue("cpu")));
    JsonPath s = snapshot();
    assertThat(s.getString("mode")).isEqualTo("local");
    assertThat(s.getFloat("instances.find { it.service == 'fake' }.values.heap")).isEqualTo(0.4f);
    assertThat(s.getBoolean("targets.find { it.service == 'ghost' }.up")).isFalse();
    assertThat(s.getString("targets.find { it.service == 'ghost' }.lastError")).isNotBlank();
    assertThat(s.getMap("instances.find { it.service == 'ghost' }.values").values())
        .containsOnlyNulls();
    assertThat(s.getList("groups.id"))
        .contains("cpu", "memory", "http", "cache", "websocket", "ai");

    FakeTarget.cpu(0.3);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Float.valueOf(0.3f).equals(fakeValue("cpu")));
    // a rate needs two scrapes: 10 requests a scrape, one scrape a second
    await().atMost(Duration.ofSeconds(20)).until(() -> fakeValue("rps") != null);
    assertThat(fakeValue("rps")).isBetween(3f, 30f);
  }

  @Test
  void historyHasPointsAndATrendWithItsMethod() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                given()
                        .get("/api/performance/history?figure=cpu&service=fake&range=5m&step=2s")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("series[0].points.findAll { it[1] != null }")
                        .size()
                    >= 3);
    given()
        .get("/api/performance/history?figure=cpu&service=fake&range=5m&step=2s")
        .then()
        .body("source", equalTo("local"))
        .body("step", equalTo(2))
        .body("series[0].service", equalTo("fake"))
        .body(
            "series[0].trend.method",
            equalTo("least-squares line over the range, extended 15 minutes"));
  }

  @Test
  void badHistoryQueriesAreProblems() {
    given()
        .get("/api/performance/history?figure=nope")
        .then()
        .statusCode(400)
        .body("type", org.hamcrest.Matchers.containsString("bad-figure"));
    given().get("/api/performance/history?figure=cpu&range=25h").then().statusCode(400);
    given().get("/api/performance/history?figure=cpu&range=1h&step=100ms").then().statusCode(400);
    given().get("/api/performance/history?figure=cpu&range=24h&step=1s").then().statusCode(400);
    given().get("/api/performance/alerts?limit=0").then().statusCode(400);
    given()
        .get("/api/performance/history?figure=cpu&service=a\"}or vector(1)")
        .then()
        .statusCode(400);
    given().get("/api/performance/history?figure=cpu&instance=x y").then().statusCode(400);
  }

  @Test
  void browserReportsAreCheckedBoundedAndShown() {
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/api/performance/browser")
        .then()
        .statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("page", "ide", "samples", List.of(Map.of("name", "nope", "value", 1))))
        .post("/api/performance/browser")
        .then()
        .statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("page", "ide", "samples", List.of(Map.of("name", "LCP", "value", -5))))
        .post("/api/performance/browser")
        .then()
        .statusCode(400);
    Map<String, Object> good =
        Map.of(
            "page",
            "ide",
            "samples",
            List.of(Map.of("name", "LCP", "value", 900), Map.of("name", "longTask", "value", 70)));
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      int status =
          given()
              .contentType(ContentType.JSON)
              .body(good)
              .post("/api/performance/browser")
              .statusCode();
      if (status == 202) {
        accepted++;
      } else if (status == 429) {
        refused++;
      }
    }
    assertThat(accepted).isBetween(1, 5);
    assertThat(refused).isEqualTo(8 - accepted);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Float.valueOf(900f).equals(snapshot().get("browser.values.LCP.p75")));
  }

  @Test
  void liveSendsSnapshotsAsServerSentEvents() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<java.io.InputStream> response =
        client.send(
            HttpRequest.newBuilder(live).header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("content-type").orElse(""))
        .startsWith("text/event-stream");
    CompletableFuture<Integer> two =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body()))) {
                int events = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("data:") && line.contains("\"instances\"")) {
                    if (++events == 2) {
                      return events;
                    }
                  }
                }
                return events;
              } catch (java.io.IOException e) {
                return -1;
              }
            });
    assertThat(two.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2);
    // The stream, closed after minutes, is not a request with a response time of minutes.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                given().get("/api/performance").statusCode() == 200
                    && given().get("/q/metrics").asString().contains("uri=\"/api/performance\""));
    assertThat(given().get("/q/metrics").asString()).doesNotContain("/api/performance/live");
  }

  @Test
  void theAlertListAnswers() {
    given().get("/api/performance/alerts").then().statusCode(200).body("source", equalTo("local"));
    assertThat(snapshot().getList("thresholds.figure"))
        .contains("cpu", "heap", "responseP99", "cacheHitRate");
    assertThat(snapshot().getList("thresholds.warning", Float.class)).contains(0.7f, 0.8f, 0.1f);
  }
}
