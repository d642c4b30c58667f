package dev.aicoder.metrics.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.Figure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * History, trends and alerts from a Prometheus over its HTTP API: each figure is a PromQL query
 * over the same series the services expose (and grafana/rules/thresholds.yaml reads), grouped by
 * {@code application} (the service) and {@code instance}; the alerts are its firing and pending
 * AiCoder alerts.
 */
public final class PrometheusSource {

  private static final String BY = "by (application, instance)";
  private static final Map<Figure, String> QUERIES = new EnumMap<>(Figure.class);

  static {
    gauge(Figure.CPU, "max", "process_cpu_usage");
    gauge(Figure.SYSTEM_CPU, "max", "system_cpu_usage");
    gauge(Figure.LOAD1, "max", "system_load_average_1m");
    QUERIES.put(
        Figure.HEAP,
        "sum "
            + BY
            + " (jvm_memory_used_bytes{SEL,area=\"heap\"}) / sum "
            + BY
            + " (jvm_memory_max_bytes{SEL,area=\"heap\"} > 0)");
    QUERIES.put(Figure.HEAP_USED, "sum " + BY + " (jvm_memory_used_bytes{SEL,area=\"heap\"})");
    rate(Figure.GC_PAUSE, "jvm_gc_pause_seconds_sum{SEL}");
    gauge(Figure.THREADS, "sum", "jvm_threads_live_threads");
    rate(Figure.RPS, "http_server_requests_seconds_count{SEL}");
    rate(Figure.ERRORS, "http_server_requests_seconds_count{SEL,status=~\"5..\"}");
    mean(Figure.RESPONSE_MEAN, "http_server_requests_seconds");
    quantile(Figure.RESPONSE_P99, 0.99, "http_server_requests_seconds_bucket");
    gauge(Figure.ACTIVE_REQUESTS, "sum", "http_server_active_requests");
    gauge(Figure.OPEN_FILES, "sum", "process_files_open_files");
    QUERIES.put(
        Figure.CACHE_HIT_RATE,
        "sum "
            + BY
            + " (rate(cache_gets_total{SEL,result=\"hit\"}[10m])) / sum "
            + BY
            + " (rate(cache_gets_total{SEL,result=~\"hit|miss\"}[10m]))");
    rate(Figure.CACHE_GETS, "cache_gets_total{SEL,result=~\"hit|miss\"}");
    gauge(Figure.CACHE_BYTES, "sum", "aicoder_cache_bytes");
    rate(Figure.CACHE_EVICTIONS, "aicoder_cache_evictions_total{SEL}");
    gauge(Figure.WS_CONNECTIONS, "sum", "aicoder_ws_connections");
    rate(Figure.WS_FRAMES_IN, "aicoder_ws_frames_in_total{SEL}");
    rate(Figure.WS_FRAMES_OUT, "aicoder_ws_frames_out_total{SEL}");
    mean(Figure.WS_PROMPT_LATENCY, "aicoder_chat_prompt_seconds");
    gauge(Figure.AI_ACTIVE, "sum", "aicoder_turn_active");
    gauge(Figure.AI_QUEUED, "sum", "aicoder_turn_queued");
    quantile(Figure.TTFT_P95, 0.95, "aicoder_turn_ttft_seconds_bucket");
    rate(Figure.TOKENS_PER_SECOND, "aicoder_turn_delta_tokens_sum{SEL}");
  }

  private static void gauge(Figure f, String agg, String metric) {
    QUERIES.put(f, agg + " " + BY + " (" + metric + "{SEL})");
  }

  private static void rate(Figure f, String series) {
    QUERIES.put(f, "sum " + BY + " (rate(" + series + "[WIN]))");
  }

  private static void mean(Figure f, String summary) {
    QUERIES.put(
        f,
        "sum "
            + BY
            + " (rate("
            + summary
            + "_sum{SEL}[WIN])) / sum "
            + BY
            + " (rate("
            + summary
            + "_count{SEL}[WIN]))");
  }

  private static void quantile(Figure f, double q, String buckets) {
    QUERIES.put(
        f,
        "histogram_quantile("
            + q
            + ", sum by (application, instance, le) (rate("
            + buckets
            + "{SEL}[5m])))");
  }

  private final URI base;
  private final HttpClient client;
  private final ObjectMapper json;
  private final Duration timeout = Duration.ofSeconds(5);

  private static final java.util.regex.Pattern MATCHER =
      java.util.regex.Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"\\\\]*)\"\\s*");

  /** Label equalities every series and alert must have (this install's namespace, say). */
  private final Map<String, String> scope = new java.util.LinkedHashMap<>();

  /**
   * A source at {@code url}; {@code selector} ({@code namespace="ai-coder"}, comma-separated
   * equalities) keeps another install's series and alerts in the same Prometheus apart.
   */
  public PrometheusSource(String url, String selector, ObjectMapper json) {
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    this.json = json;
    for (String part : selector.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      java.util.regex.Matcher m = MATCHER.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "AI_CODER_PROMETHEUS_SELECTOR: '" + part.strip() + "' is not label=\"value\"");
      }
      scope.put(m.group(1), m.group(2));
    }
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The PromQL of a figure for one service (or all of ours) with a rate window. */
  String promql(Figure figure, String service, long windowSeconds) {
    StringBuilder selector =
        new StringBuilder(
            service == null
                ? "application=~\"gateway|chat-websocket|ai-streaming|cache|metrics\""
                : "application=\"" + service + "\"");
    scope.forEach((k, v) -> selector.append(',').append(k).append("=\"").append(v).append('"'));
    return QUERIES
        .get(figure)
        .replace("SEL", selector.toString())
        .replace("WIN", windowSeconds + "s");
  }

  /** query_range of the figure: one series per instance, with trends. */
  public HistoryResult history(
      Figure figure, String service, String instance, long from, long to, long step)
      throws IOException {
    long window = Math.max(60, 2 * step / 1000);
    JsonNode data =
        get(
            "api/v1/query_range?query="
                + URLEncoder.encode(promql(figure, service, window), StandardCharsets.UTF_8)
                + "&start="
                + from / 1000.0
                + "&end="
                + to / 1000.0
                + "&step="
                + step / 1000.0);
    List<HistoryResult.Series> series = new ArrayList<>();
    for (JsonNode result : data.path("result")) {
      String svc = result.path("metric").path("application").asText();
      String inst = result.path("metric").path("instance").asText();
      if (instance != null && !instance.equals(inst)) {
        continue;
      }
      List<Object[]> points = new ArrayList<>();
      for (JsonNode pair : result.path("values")) {
        double v = number(pair.get(1).asText());
        points.add(
            new Object[] {(long) (pair.get(0).asDouble() * 1000), Double.isFinite(v) ? v : null});
      }
      series.add(new HistoryResult.Series(svc, inst, points, Trend.of(points)));
    }
    return new HistoryResult(
        figure.id, figure.unit.id(), (to - from) / 1000, step / 1000, "prometheus", series);
  }

  /** Prometheus's pending and firing AiCoder alerts, as the page shows alerts. */
  public List<Alert> alerts() throws IOException {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode a : get("api/v1/alerts").path("alerts")) {
      JsonNode labels = a.path("labels");
      String name = labels.path("alertname").asText();
      if (!name.startsWith("AiCoder")
          || !scope.entrySet().stream()
              .allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText(null)))) {
        continue;
      }
      String service = labels.path("application").asText("");
      String instance = labels.path("instance").asText("");
      String severity = labels.path("severity").asText("warning");
      long since =
          a.hasNonNull("activeAt") ? Instant.parse(a.path("activeAt").asText()).toEpochMilli() : 0;
      double value = number(a.path("value").asText("NaN"));
      alerts.add(
          new Alert(
              name
                  + ":"
                  + severity
                  + ":"
                  + service
                  + ":"
                  + instance
                  + ":"
                  + labels.path("cache").asText(""),
              name,
              severity,
              a.path("state").asText(),
              service,
              instance,
              figureOf(name),
              Double.isFinite(value) ? value : null,
              null,
              since,
              since,
              a.path("annotations").path("summary").asText(name)));
    }
    return alerts;
  }

  private static String figureOf(String alertName) {
    return switch (alertName) {
      case "AiCoderCpuHigh" -> Figure.CPU.id;
      case "AiCoderMemoryHigh" -> Figure.HEAP.id;
      case "AiCoderResponseTimeHigh" -> Figure.RESPONSE_P99.id;
      case "AiCoderCacheHitRateLow" -> Figure.CACHE_HIT_RATE.id;
      default -> null;
    };
  }

  private JsonNode get(String path) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    } catch (IOException e) {
      // A refused connection's message is null: name the Prometheus and the failure instead.
      throw new IOException("Prometheus at " + base + " did not answer: " + e, e);
    }
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (IOException e) {
      // A proxy's error page, not Prometheus's JSON.
      throw new IOException(
          "Prometheus at " + base + " answered " + response.statusCode() + " without JSON", e);
    }
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException(
          "Prometheus answered "
              + response.statusCode()
              + ": "
              + body.path("error").asText("no reason"));
    }
    return body.path("data");
  }

  private static double number(String text) {
    try {
      return Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
