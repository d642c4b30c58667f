package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the gateway re-exposes the metrics service's routes (services/metrics/README.md) to
 * admins and team leads, relays its refusals as they are, and streams its live events unbuffered.
 * The metrics service is a real HTTP server here that records what it is sent.
 */
@QuarkusTest
@TestProfile(PerformanceRoutesTest.WithFakeMetrics.class)
@QuarkusTestResource(LocalRedisResource.class)
class PerformanceRoutesTest {

  /** The gateway talks to {@link FakeMetrics}. */
  public static class WithFakeMetrics implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FakeMetrics.class));
    }
  }

  /**
   * The metrics service's routes. The live stream sends one event, then one more each time the test
   * releases it, then pings until the connection is gone, which it reports.
   */
  public static class FakeMetrics implements QuarkusTestResourceLifecycleManager {
    static final BlockingQueue<String> queries = new LinkedBlockingQueue<>();
    static final BlockingQueue<Integer> reports = new LinkedBlockingQueue<>();
    static final Semaphore nextEvent = new Semaphore(0);
    static final BlockingQueue<String> streamsClosed = new LinkedBlockingQueue<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext("/", this::handle);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
      return Map.of(
          "aicoder.gateway.metrics-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
      server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      switch (path) {
        case "/api/performance" ->
            respond(exchange, 200, "application/json", "{\"mode\":\"local\"}");
        case "/api/performance/history" -> {
          queries.add(String.valueOf(query));
          if (query != null && query.contains("figure=locked")) {
            respond(
                exchange,
                401,
                "application/problem+json",
                "{\"type\":\"/problems/internal-credential-required\",\"status\":401}");
          } else if (query != null && query.contains("figure=bogus")) {
            respond(
                exchange,
                400,
                "application/problem+json",
                "{\"type\":\"/problems/bad-figure\",\"title\":\"Bad Request\",\"status\":400,"
                    + "\"detail\":\"No figure bogus.\"}");
          } else {
            respond(exchange, 200, "application/json", "{\"figure\":\"cpu\",\"series\":[]}");
          }
        }
        case "/api/performance/alerts" -> {
          queries.add(String.valueOf(query));
          respond(exchange, 200, "application/json", "{\"source\":\"local\",\"active\":[]}");
        }
        case "/api/performance/browser" -> {
          reports.add(exchange.getRequestBody().readAllBytes().length);
          respond(exchange, 202, "application/json", "{\"accepted\":true}");
        }
        case "/api/performance/live" -> live(exchange);
        default -> respond(exchange, 404, "application/json", "{}");
      }
    }

    private static void live(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      try {
        for (int n = 1; n <= 3; n++) {
          if (n > 1 && !nextEvent.tryAcquire(20, TimeUnit.SECONDS)) {
            return;
          }
          write(out, "event: snapshot\ndata: {\"n\":" + n + "}\n\n");
        }
        // Heartbeats until the gateway lets go of this request; one every 100 ms.
        while (!nextEvent.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          write(out, ": ping\n\n");
        }
      } catch (IOException e) {
        streamsClosed.add(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    }

    private static void write(OutputStream out, String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }
  }

  @TestHTTPResource("/api/performance/live")
  URI live;

  @Test
  void aMemberIsRefusedEveryReadAndALeadIsServed() {
    String member = Api.newMember("perf-member");
    for (String path :
        List.of(
            "/api/performance", "/api/performance/history?figure=cpu", "/api/performance/alerts")) {
      as(member)
          .get(path)
          .then()
          .statusCode(403)
          .contentType(startsWith("application/problem+json"))
          .body("type", equalTo("/problems/forbidden"));
    }
    as(member)
        .get("/api/performance/live")
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(403));

    String lead = Api.newUser("perf-lead", "lead");
    as(lead).get("/api/me").then().statusCode(200).body("role", equalTo("lead"));
    as(lead).get("/api/performance").then().statusCode(200).body("mode", equalTo("local"));
    as(lead).get("/api/performance/alerts").then().statusCode(200).body("source", equalTo("local"));
    as(Api.adminToken()).get("/api/performance").then().statusCode(200);
  }

  @Test
  void historyAndAlertParametersAreForwarded() throws InterruptedException {
    String lead = Api.newUser("perf-lead", "lead");
    FakeMetrics.queries.clear();
    as(lead)
        .get(
            "/api/performance/history?figure=cpu&service=gateway&instance=10.0.0.7:8080"
                + "&range=1h&step=15s")
        .then()
        .statusCode(200)
        .body("figure", equalTo("cpu"));
    assertThat(FakeMetrics.queries.poll(5, TimeUnit.SECONDS))
        .contains("figure=cpu", "service=gateway", "range=1h", "step=15s")
        .containsAnyOf("instance=10.0.0.7:8080", "instance=10.0.0.7%3A8080");
    as(lead).get("/api/performance/alerts?limit=7").then().statusCode(200);
    assertThat(FakeMetrics.queries.poll(5, TimeUnit.SECONDS)).isEqualTo("limit=7");
  }

  @Test
  void theMetricsServicesBadRequestStaysABadRequest() {
    String lead = Api.newUser("perf-lead", "lead");
    // More than the circuit breaker's window: the caller's mistakes never open it.
    for (int i = 0; i < 6; i++) {
      as(lead)
          .get("/api/performance/history?figure=bogus&range=1h")
          .then()
          .statusCode(400)
          .contentType(startsWith("application/problem+json"))
          .body("type", equalTo("/problems/bad-figure"))
          .body("detail", equalTo("No figure bogus."));
    }
    as(lead).get("/api/performance/history?figure=cpu").then().statusCode(200);
    // Its refusal of the gateway's own credential is no reason to sign the browser out.
    as(lead)
        .get("/api/performance/history?figure=locked")
        .then()
        .statusCode(503)
        .body("type", equalTo("/problems/metrics-unavailable"));
  }

  @Test
  void anySignedInUserReportsTheBrowsersNumbersButNotMoreThan8Kb() throws InterruptedException {
    String member = Api.newMember("perf-browser");
    FakeMetrics.reports.clear();
    String report = "{\"page\":\"ide\",\"samples\":[{\"name\":\"LCP\",\"value\":812.5}]}";
    as(member)
        .contentType("application/json")
        .body(report)
        .post("/api/performance/browser")
        .then()
        .statusCode(202);
    assertThat(FakeMetrics.reports.poll(5, TimeUnit.SECONDS)).isEqualTo(report.length());

    String big = "{\"page\":\"" + "x".repeat(8200) + "\",\"samples\":[]}";
    as(member)
        .contentType("application/json")
        .body(big)
        .post("/api/performance/browser")
        .then()
        .statusCode(413)
        .contentType(startsWith("application/problem+json"))
        .body("type", equalTo("/problems/report-too-large"));
    assertThat(FakeMetrics.reports.poll(300, TimeUnit.MILLISECONDS)).isNull();
    io.restassured.RestAssured.given()
        .contentType("application/json")
        .body(report)
        .post("/api/performance/browser")
        .then()
        .statusCode(401);
  }

  @Test
  void liveEventsArriveInOrderWhileTheUpstreamIsStillStreamingAndClosingLetsGoOfIt()
      throws Exception {
    String lead = Api.newUser("perf-live", "lead");
    FakeMetrics.nextEvent.drainPermits();
    FakeMetrics.streamsClosed.clear();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(live).header("Authorization", "Bearer " + lead).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                response.body().forEach(lines::add);
              } catch (RuntimeException closed) {
                // the test closed the stream
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      // Each event arrives while the fake still holds the next one back: nothing is buffered.
      for (int n = 1; n <= 3; n++) {
        if (n > 1) {
          FakeMetrics.nextEvent.release();
        }
        assertThat(next(lines, 3))
            .containsExactly("event: snapshot", "data: {\"n\":" + n + "}", "");
      }
      assertThat(next(lines, 2)).containsExactly(": ping", "");
    } finally {
      response.body().close();
    }
    // The browser went: the gateway closes its request to the metrics service.
    assertThat(FakeMetrics.streamsClosed.poll(15, TimeUnit.SECONDS)).isNotNull();
    reader.join(5000);
    // However long it lasted, the stream is not timed as a request: it would read as a response
    // time of minutes and raise the response-time alert.
    String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
    assertThat(metrics).contains("http_server_requests_seconds_count");
    assertThat(metrics).doesNotContain("/api/performance/live");
  }

  @Test
  void aStreamEndsWhenItsTokenIsSignedOut() throws Exception {
    String lead = Api.newUser("perf-out", "lead");
    FakeMetrics.nextEvent.drainPermits();
    FakeMetrics.streamsClosed.clear();
    // The fake sends its three events, then pings until the gateway lets go of it.
    FakeMetrics.nextEvent.release(2);
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(live).header("Authorization", "Bearer " + lead).build(),
                HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    java.util.concurrent.CompletableFuture<Void> ended =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                response.body().forEach(lines::add);
              } catch (RuntimeException reset) {
                // the gateway cut it: ended as well
              }
            });
    assertThat(next(lines, 9)).contains("data: {\"n\":3}");
    assertThat(next(lines, 2)).containsExactly(": ping", "");
    as(lead).post("/api/auth/logout").then().statusCode(204);
    // Checked again every few seconds: the signed-out page stops receiving figures.
    ended.get(3 * PerformanceLiveRoute.RECHECK_MS, TimeUnit.MILLISECONDS);
    assertThat(FakeMetrics.streamsClosed.poll(15, TimeUnit.SECONDS)).isNotNull();
  }

  private static List<String> next(BlockingQueue<String> lines, int count)
      throws InterruptedException {
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("line %d of %s", i + 1, taken).isNotNull();
      taken.add(line);
    }
    return taken;
  }
}
