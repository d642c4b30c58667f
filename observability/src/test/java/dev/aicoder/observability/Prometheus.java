package dev.aicoder.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debian's Prometheus scraping targets every second, each with the namespace and pod labels that
 * Kubernetes discovery would give it, and evaluating the rule files every second.
 */
final class Prometheus implements AutoCloseable {

  static final Path EXECUTABLE = Path.of("/usr/bin/prometheus");

  /** A target: its job, address, metrics path and the labels discovery would add. */
  record Target(String job, String address, String path, Map<String, String> labels) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ToolProcess process;
  private final int port;

  private Prometheus(ToolProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static Prometheus start(int port, List<Target> targets, List<Path> ruleFiles) throws Exception {
    Path home = Files.createDirectories(Path.of("target", "prometheus").toAbsolutePath());
    Path data = home.resolve("data");
    if (Files.exists(data)) {
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path config = Files.writeString(home.resolve("prometheus.yml"), config(targets, ruleFiles));
    ToolProcess process =
        ToolProcess.start(
            "prometheus",
            List.of(
                EXECUTABLE.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port,
                // Exemplars link a slow sample to its trace, as the dashboards show them.
                "--enable-feature=exemplar-storage"));
    Prometheus prometheus = new Prometheus(process, port);
    try {
      prometheus.awaitReady();
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return prometheus;
  }

  /** The configuration file: JSON is YAML, so no YAML writer is needed. */
  static String config(List<Target> targets, List<Path> ruleFiles) throws IOException {
    List<Object> scrapes = new ArrayList<>();
    for (Target t : targets) {
      scrapes.add(
          Map.of(
              "job_name",
              t.job(),
              "metrics_path",
              t.path(),
              "static_configs",
              List.of(Map.of("targets", List.of(t.address()), "labels", t.labels()))));
    }
    return JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(
            Map.of(
                "global",
                Map.of(
                    "scrape_interval", "1s", "scrape_timeout", "1s", "evaluation_interval", "1s"),
                "rule_files",
                ruleFiles.stream().map(p -> p.toAbsolutePath().toString()).toList(),
                "scrape_configs",
                scrapes));
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      process.checkAlive();
      try {
        HttpRequest ready =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build();
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException | InterruptedException notYet) {
        // still starting
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new IllegalStateException(
        "Prometheus was not ready within 30 s; see target/prometheus.log");
  }

  /**
   * Runs an instant query; answers the {@code data} object, or throws with Prometheus's error (a
   * query that does not parse, an unknown function).
   */
  JsonNode query(String expr) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + port
                        + "/api/v1/query?query="
                        + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(10))
            .build();
    JsonNode body = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalArgumentException(body.path("error").asText(body.toString()));
    }
    return body.path("data");
  }

  /** The targets' health by job, as {@code /api/v1/targets} reports it. */
  JsonNode targets() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets")).build();
    return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
        .path("data")
        .path("activeTargets");
  }

  /** The rule groups Prometheus loaded, as {@code /api/v1/rules} reports them. */
  JsonNode rules() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/rules")).build();
    return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
        .path("data")
        .path("groups");
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
