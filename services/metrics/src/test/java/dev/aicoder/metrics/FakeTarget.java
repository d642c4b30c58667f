package dev.aicoder.metrics;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A service's /q/metrics the test controls (a real HTTP server), plus a target nobody listens on;
 * the metrics service scrapes both every second.
 */
public class FakeTarget implements QuarkusTestResourceLifecycleManager {

  private static volatile double cpu = 0.1;
  private static volatile long requests = 0;
  private HttpServer server;

  /** Sets the process CPU the fake reports from its next scrape on. */
  public static void cpu(double value) {
    cpu = value;
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext(
        "/q/metrics",
        exchange -> {
          requests += 10;
          String text =
              String.format(
                  Locale.ROOT,
                  """
                  # TYPE process_cpu_usage gauge
                  process_cpu_usage{application="fake"} %s
                  # TYPE jvm_memory_used_bytes gauge
                  jvm_memory_used_bytes{application="fake",area="heap",id="G1 Old Gen"} 4.0E8
                  # TYPE jvm_memory_max_bytes gauge
                  jvm_memory_max_bytes{application="fake",area="heap",id="G1 Old Gen"} 1.0E9
                  jvm_memory_max_bytes{application="fake",area="heap",id="G1 Eden Space"} -1.0
                  # TYPE http_server_requests_seconds histogram
                  http_server_requests_seconds_bucket{application="fake",status="200",le="0.1"} %d
                  http_server_requests_seconds_bucket{application="fake",status="200",le="+Inf"} %d
                  http_server_requests_seconds_count{application="fake",status="200"} %d
                  http_server_requests_seconds_sum{application="fake",status="200"} %s
                  """,
                  cpu,
                  requests,
                  requests,
                  requests,
                  requests * 0.02);
          byte[] body = text.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    int port = server.getAddress().getPort();
    return Map.of(
        "aicoder.metrics.targets",
        "fake=http://127.0.0.1:" + port + "/q/metrics,ghost=http://127.0.0.1:1/q/metrics",
        "aicoder.metrics.scrape-interval",
        "1s",
        "aicoder.metrics.scrape-timeout",
        "500ms",
        "aicoder.metrics.alerts.for-duration",
        "2s",
        "aicoder.metrics.alerts.clear-for",
        "2s",
        "aicoder.metrics.browser.reports-per-minute",
        "5");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
