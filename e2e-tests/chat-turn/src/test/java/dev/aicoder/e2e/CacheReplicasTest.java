package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two cache replicas on one Redis, each with its own memory and file tiers: a write, delete or
 * clear on one is seen by the other within {@link #BOUND}, although the other held the old value in
 * memory. The bound is generous for a loaded CI machine; the printed figure is the real one.
 */
class CacheReplicasTest {

  /** How soon a change on one replica must be seen on the other. */
  static final Duration BOUND = Duration.ofSeconds(1);

  // This test's ports: 19240-19249.
  private static RedisProcess redis;
  private static ServiceProcess a;
  private static ServiceProcess b;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(RedisProcess.EXECUTABLE), RedisProcess.EXECUTABLE + " is missing");
    redis = RedisProcess.server("cache-replicas-redis", 19240, null);
    a = replica("a", 19241);
    b = replica("b", 19242);
  }

  private static ServiceProcess replica(String name, int port) throws Exception {
    return ServiceProcess.start(
        "cache",
        "cache-replica-" + name,
        port,
        Map.of(),
        Map.of(
            "REDIS_PORT",
            "19240",
            "AI_CODER_CACHE_DIR",
            GatewayApi.freshFolder("cache-files-" + name).toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {b, a, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static HttpResponse<String> send(
      ServiceProcess to, String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return http.send(
        HttpRequest.newBuilder(GatewayApi.uri(to.port, path)).method(method, publisher).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Polls until the replica answers {@code path} with the status (and body); returns the ms taken.
   */
  private static long await(ServiceProcess on, String path, int status, String body)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + BOUND.toNanos();
    while (true) {
      HttpResponse<String> r = send(on, "GET", path, null);
      if (r.statusCode() == status && (body == null || body.equals(r.body()))) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      assertThat(System.nanoTime())
          .as(
              "%s on the other replica within %s; it answers %d %s",
              path, BOUND, r.statusCode(), r.body())
          .isLessThan(deadline);
    }
  }

  @Test
  void aChangeOnOneReplicaReachesTheOtherWithinTheBound() throws Exception {
    // A first miss loads the 404 path's classes, so the figures below measure the invalidation.
    assertThat(send(b, "GET", "/cache/shared/warm-up", null).statusCode()).isEqualTo(404);
    assertThat(send(a, "PUT", "/cache/shared/greeting", "v1").body())
        .contains("\"degraded\":false");
    assertThat(send(b, "GET", "/cache/shared/greeting", null).body()).isEqualTo("v1");
    HttpResponse<String> cached = send(b, "GET", "/cache/shared/greeting", null);
    assertThat(cached.headers().firstValue("Cache-Tier"))
        .as("b now holds v1 in memory")
        .hasValue("memory");

    send(a, "PUT", "/cache/shared/greeting", "v2");
    long overwrite = await(b, "/cache/shared/greeting", 200, "v2");

    send(a, "DELETE", "/cache/shared/greeting", null);
    long delete = await(b, "/cache/shared/greeting", 404, null);

    send(a, "PUT", "/cache/shared/other", "x");
    assertThat(send(b, "GET", "/cache/shared/other", null).body()).isEqualTo("x");
    send(a, "POST", "/cache/clear?namespace=shared", null);
    long clear = await(b, "/cache/shared/other", 404, null);
    System.out.printf(
        "cache replicas: seen on the other after overwrite %d ms, delete %d ms, clear %d ms%n",
        overwrite, delete, clear);
  }
}
