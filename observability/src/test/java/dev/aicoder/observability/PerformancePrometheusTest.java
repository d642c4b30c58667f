package dev.aicoder.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.localredis.LocalRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The performance API with a real Prometheus configured: Debian's Prometheus scrapes the packaged
 * cache and metrics services (the shipped rule files loaded, plus a test group whose alerts fire at
 * once), and the metrics service, started with {@code AI_CODER_PROMETHEUS_URL}, answers history
 * from PromQL and shows Prometheus's alerts instead of evaluating its own.
 */
class PerformancePrometheusTest {

  // Ports of this test, 19400-19409.
  private static final int REDIS = 19400;
  private static final int CACHE = 19401;
  private static final int METRICS = 19402;
  private static final int PROMETHEUS = 19403;
  private static final int METRICS_WITHOUT_PROMETHEUS = 19404;
  private static final int CLOSED = 19405;
  private static final Map<String, String> INSTANCES = new LinkedHashMap<>();

  static {
    INSTANCES.put("cache", "127.0.0.1:" + CACHE);
    INSTANCES.put("metrics", "127.0.0.1:" + METRICS);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Deque<AutoCloseable> started = new ArrayDeque<>();
  private static final PerformanceApi api = new PerformanceApi(METRICS);
  private static Prometheus prometheus;

  @BeforeAll
  static void start() throws Exception {
    LocalRedis redis = LocalRedis.start(REDIS);
    started.push(redis);
    Map<String, String> props = Map.of("quarkus.redis.hosts", redis.url());
    ServiceProcess cache =
        ServiceProcess.launch("cache", "perf-prometheus-cache", CACHE, props, Map.of());
    started.push(cache);

    Map<String, String> env = new HashMap<>();
    env.put("AI_CODER_PROMETHEUS_URL", "http://127.0.0.1:" + PROMETHEUS);
    env.put("AI_CODER_METRICS_SCRAPE_INTERVAL", "1s");
    env.put(
        "AI_CODER_METRICS_TARGETS",
        "cache=http://127.0.0.1:"
            + CACHE
            + "/q/metrics,metrics=http://127.0.0.1:"
            + METRICS
            + "/q/metrics");
    // Local thresholds that every instance crosses at once: were the service to evaluate alerts
    // itself besides Prometheus, its own "cpu:<service>:<instance>" alerts would show up.
    env.put("AI_CODER_METRICS_CPU_WARNING", "0");
    env.put("AI_CODER_METRICS_CPU_CRITICAL", "0");
    env.put("AI_CODER_METRICS_ALERT_FOR", "0s");
    ServiceProcess metrics =
        ServiceProcess.launch("metrics", "perf-prometheus-metrics", METRICS, props, env);
    started.push(metrics);
    cache.awaitReady(Duration.ofSeconds(90));
    metrics.awaitReady(Duration.ofSeconds(90));

    List<Prometheus.Target> targets = new ArrayList<>();
    INSTANCES.forEach(
        (service, address) ->
            targets.add(
                new Prometheus.Target(
                    "ai-coder-" + service,
                    address,
                    "/q/metrics",
                    Map.of("namespace", "ai-coder-performance", "pod", service + "-0"))));
    List<Path> rules = new ArrayList<>(DashboardLiveTest.ruleFiles());
    rules.add(testRules());
    prometheus = Prometheus.start(PROMETHEUS, targets, rules);
    started.push(prometheus);
  }

  @AfterAll
  static void stop() throws Exception {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }

  /**
   * A rule group with the shipped alerts' names and labels but conditions that hold at once: the
   * CPU alert fires without delay, the memory alert stays pending for an hour.
   */
  private static Path testRules() throws Exception {
    String selector = "application=~\"cache|metrics\"";
    Map<String, Object> cpu =
        Map.of(
            "alert",
            "AiCoderCpuHigh",
            "expr",
            "process_cpu_usage{" + selector + "} > -1",
            "for",
            "0s",
            "labels",
            Map.of("severity", "warning"),
            "annotations",
            Map.of("summary", "{{ $labels.application }} CPU rule evaluated by Prometheus"));
    Map<String, Object> memory =
        Map.of(
            "alert",
            "AiCoderMemoryHigh",
            "expr",
            "aicoder:jvm_heap_used:ratio{" + selector + "} > 0",
            "for",
            "1h",
            "labels",
            Map.of("severity", "critical"),
            "annotations",
            Map.of("summary", "{{ $labels.application }} heap rule evaluated by Prometheus"));
    Path folder = Files.createDirectories(Path.of("target", "performance-rules").toAbsolutePath());
    return Files.writeString(
        folder.resolve("performance-test.yaml"),
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(
                Map.of(
                    "groups",
                    List.of(
                        Map.of(
                            "name", "aicoder.performance-test", "rules", List.of(cpu, memory))))));
  }

  @Test
  void historyComesFromPrometheusPerServiceAndInstance() throws Exception {
    assertThat(api.snapshot().path("mode").asText()).isEqualTo("prometheus");
    // Requests for the rps figure: the cache's answers route, and these reads of the metrics API.
    for (int i = 0; i < 5; i++) {
      HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + CACHE + "/cache/answers/perf"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    // A 15 s step has a point once a step boundary passed after Prometheus's first samples, and a
    // rate needs two samples in its window: poll until every instance has values.
    for (String figure : List.of("cpu", "heap", "rps")) {
      String query = "figure=" + figure + "&range=5m&step=15s";
      JsonNode history =
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> api.history(query),
                  h ->
                      INSTANCES.entrySet().stream()
                          .allMatch(
                              e ->
                                  !PerformanceApi.valued(
                                          PerformanceApi.series(h, e.getKey(), e.getValue()))
                                      .isEmpty()));
      assertThat(history.path("source").asText()).as(figure).isEqualTo("prometheus");
      assertThat(history.path("figure").asText()).isEqualTo(figure);
      assertThat(history.path("range").asLong()).isEqualTo(300);
      assertThat(history.path("step").asLong()).isEqualTo(15);
      for (var instance : INSTANCES.entrySet()) {
        JsonNode series = PerformanceApi.series(history, instance.getKey(), instance.getValue());
        for (JsonNode point : PerformanceApi.valued(series)) {
          assertThat(point.path(0).asLong() % 15_000).as("%s on the step", figure).isZero();
          double v = point.path(1).asDouble();
          switch (figure) {
            case "cpu" -> assertThat(v).isBetween(0.0, 1.0);
            case "heap" -> assertThat(v).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
            default -> assertThat(v).isGreaterThanOrEqualTo(0.0);
          }
        }
        assertThat(series.path("trend").path("method").asText()).isNotBlank();
      }
      // The history's instances are the snapshot's, so the page can put them side by side.
      Set<String> snapshotInstances = new TreeSet<>();
      api.snapshot()
          .path("instances")
          .forEach(
              i ->
                  snapshotInstances.add(
                      i.path("service").asText() + "|" + i.path("instance").asText()));
      Set<String> historyInstances = new TreeSet<>();
      history
          .path("series")
          .forEach(
              s ->
                  historyInstances.add(
                      s.path("service").asText() + "|" + s.path("instance").asText()));
      assertThat(historyInstances).as(figure).isEqualTo(snapshotInstances);
    }

    JsonNode one =
        api.history("figure=cpu&service=cache&instance=127.0.0.1:" + CACHE + "&range=5m&step=15s");
    assertThat(one.path("series")).hasSize(1);
    assertThat(one.path("series").path(0).path("service").asText()).isEqualTo("cache");
  }

  /** Every figure's PromQL parses and runs on a real Prometheus, for all services and for one. */
  @Test
  void everyFiguresQueryIsValidPromQl() {
    JsonNode figures = api.snapshot().path("figures");
    List<String> ids = new ArrayList<>();
    figures.fieldNames().forEachRemaining(ids::add);
    assertThat(ids).hasSizeGreaterThan(20).contains("cpu", "rps", "ttftP95", "tokensPerSecond");
    List<String> failures = new ArrayList<>();
    for (String id : ids) {
      for (String scope : List.of("", "&service=cache")) {
        PerformanceApi.Answer answer =
            api.get("/history?figure=" + id + "&range=5m&step=15s" + scope);
        if (answer.status() != 200 || !"prometheus".equals(answer.body().path("source").asText())) {
          failures.add(id + scope + " -> " + answer.status() + " " + answer.body());
        }
      }
    }
    assertThat(failures).as("figures whose PromQL Prometheus refused").isEmpty();
  }

  /** A Prometheus that does not answer is a 502 naming it, not a problem with a null detail. */
  @Test
  void anUnreachablePrometheusIsA502ThatNamesIt() throws Exception {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(CLOSED)) {
      // free now, and nothing listens on it during the test: every query is refused
    }
    // Its own Redis database, so it never takes the lease of the service under test.
    Map<String, String> props = Map.of("quarkus.redis.hosts", "redis://localhost:" + REDIS + "/1");
    try (ServiceProcess metrics =
        ServiceProcess.launch(
            "metrics",
            "perf-prometheus-unreachable",
            METRICS_WITHOUT_PROMETHEUS,
            props,
            Map.of("AI_CODER_PROMETHEUS_URL", "http://127.0.0.1:" + CLOSED))) {
      metrics.awaitReady(Duration.ofSeconds(90));
      PerformanceApi.Answer answer =
          new PerformanceApi(METRICS_WITHOUT_PROMETHEUS).get("/history?figure=cpu&range=5m");
      assertThat(answer.status()).isEqualTo(502);
      assertThat(answer.body().path("detail").asText())
          .contains("127.0.0.1:" + CLOSED)
          .contains("ConnectException");
    }
  }

  /**
   * The alerts are Prometheus's: the test group's CPU alert firing and memory alert pending, with
   * the rule's annotation as summary, exactly the AiCoder alerts Prometheus reports, and none of
   * the metrics service's own (its thresholds are 0, so it would raise them for every instance).
   */
  @Test
  void alertsAreTheOnesPrometheusEvaluates() throws Exception {
    JsonNode alerts =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                api::alerts,
                a ->
                    INSTANCES.keySet().stream()
                            .allMatch(
                                s ->
                                    find(a.path("active"), "AiCoderCpuHigh", s, "firing") != null
                                        && find(a.path("active"), "AiCoderMemoryHigh", s, "pending")
                                            != null)
                        && keys(a.path("active")).equals(prometheusAlertKeys()));
    assertThat(alerts.path("source").asText()).isEqualTo("prometheus");
    for (String service : INSTANCES.keySet()) {
      JsonNode cpu = find(alerts.path("active"), "AiCoderCpuHigh", service, "firing");
      assertThat(cpu.path("summary").asText())
          .isEqualTo(service + " CPU rule evaluated by Prometheus");
      assertThat(cpu.path("severity").asText()).isEqualTo("warning");
      assertThat(cpu.path("figure").asText()).isEqualTo("cpu");
      assertThat(cpu.path("instance").asText()).isEqualTo(INSTANCES.get(service));
      assertThat(cpu.path("since").asLong()).isPositive();
      JsonNode heap = find(alerts.path("active"), "AiCoderMemoryHigh", service, "pending");
      assertThat(heap.path("summary").asText())
          .isEqualTo(service + " heap rule evaluated by Prometheus");
      assertThat(heap.path("severity").asText()).isEqualTo("critical");
      assertThat(heap.path("figure").asText()).isEqualTo("heap");
    }
    List<String> local = new ArrayList<>();
    for (String part : List.of("active", "history")) {
      for (JsonNode a : alerts.path(part)) {
        if (a.path("id").asText().startsWith("cpu:")
            || a.path("summary").asText().contains(": CPU above")) {
          local.add(part + ": " + a);
        }
      }
    }
    assertThat(local).as("alerts the metrics service evaluated itself").isEmpty();
    // The state changes of Prometheus's alerts are kept as history.
    assertThat(find(alerts.path("history"), "AiCoderCpuHigh", "cache", "firing")).isNotNull();
    JsonNode snapshotAlerts = api.snapshot().path("alerts");
    assertThat(find(snapshotAlerts, "AiCoderCpuHigh", "metrics", "firing")).isNotNull();
  }

  private static JsonNode find(JsonNode alerts, String rule, String service, String state) {
    for (JsonNode a : alerts) {
      if (rule.equals(a.path("rule").asText())
          && service.equals(a.path("service").asText())
          && state.equals(a.path("state").asText())) {
        return a;
      }
    }
    return null;
  }

  private static Set<String> keys(JsonNode alerts) {
    Set<String> keys = new TreeSet<>();
    for (JsonNode a : alerts) {
      keys.add(
          String.join(
              "|",
              a.path("rule").asText(),
              a.path("severity").asText(),
              a.path("service").asText(),
              a.path("instance").asText(),
              a.path("state").asText()));
    }
    return keys;
  }

  /**
   * The AiCoder alerts Prometheus itself reports as pending or firing, keyed like {@link #keys}.
   */
  private static Set<String> prometheusAlertKeys() {
    JsonNode body;
    try {
      body =
          JSON.readTree(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + PROMETHEUS + "/api/v1/alerts"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
    } catch (Exception e) {
      throw new IllegalStateException("Prometheus did not list its alerts", e);
    }
    Set<String> keys = new TreeSet<>();
    for (JsonNode a : body.path("data").path("alerts")) {
      JsonNode labels = a.path("labels");
      if (labels.path("alertname").asText().startsWith("AiCoder")) {
        keys.add(
            String.join(
                "|",
                labels.path("alertname").asText(),
                labels.path("severity").asText(),
                labels.path("application").asText(),
                labels.path("instance").asText(),
                a.path("state").asText()));
      }
    }
    return keys;
  }
}
