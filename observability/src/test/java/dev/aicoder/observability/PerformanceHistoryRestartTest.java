package dev.aicoder.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.localredis.LocalRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local history (no Prometheus) is kept in Redis: the packaged metrics service scrapes the
 * packaged cache service every second, is stopped, Redis restarts from its append-only file, and a
 * new metrics process answers the old points and appends after them. A target on a closed port is
 * marked down while the live one keeps updating.
 */
class PerformanceHistoryRestartTest {

  // Ports of this test, 19410-19449.
  private static final int REDIS = 19410;
  private static final int CACHE = 19411;
  private static final int METRICS = 19412;
  private static final int CLOSED = 19449;
  private static final String CACHE_INSTANCE = "127.0.0.1:" + CACHE;
  private static final String DEAD_INSTANCE = "127.0.0.1:" + CLOSED;
  private static final String CPU = "figure=cpu&service=cache&range=5m&step=1s";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final PerformanceApi api = new PerformanceApi(METRICS);

  @AfterEach
  void stop() throws Exception {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }

  @Test
  void historySurvivesARestartAndADeadTargetIsMarkedWhileTheOthersUpdate() throws Exception {
    try (ServerSocket probe = new ServerSocket(CLOSED)) {
      // the port is free now, and nothing of this test listens on it: a refused scrape
    }
    Path data = Path.of("target", "perf-restart-redis").toAbsolutePath();
    deleteTree(data);
    LocalRedis redis = LocalRedis.startPersistent(REDIS, data);
    started.push(redis);
    Map<String, String> props = Map.of("quarkus.redis.hosts", redis.url());
    ServiceProcess cache =
        ServiceProcess.launch("cache", "perf-restart-cache", CACHE, props, Map.of());
    started.push(cache);
    ServiceProcess first = startMetrics(props, "perf-restart-metrics-1", cache);

    // At least five scrapes recorded.
    JsonNode before =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> api.history(CPU), h -> cpu(h).size() >= 6);
    assertThat(before.path("source").asText()).isEqualTo("local");

    // The dead target: down, with the reason, no values; the live one's scrapes and values move.
    JsonNode snapshot = api.snapshot();
    JsonNode dead = target(snapshot, "gateway");
    assertThat(dead.path("up").asBoolean()).isFalse();
    assertThat(dead.path("instance").asText()).isEqualTo(DEAD_INSTANCE);
    assertThat(dead.path("lastError").asText()).isNotBlank();
    JsonNode deadValues = instance(snapshot, "gateway").path("values");
    deadValues.forEach(v -> assertThat(v.isNull()).as("a dead instance's values").isTrue());
    assertThat(target(snapshot, "cache").path("up").asBoolean()).isTrue();
    long at = snapshot.path("at").asLong();
    long cacheScrape = target(snapshot, "cache").path("lastScrapeAt").asLong();
    JsonNode cacheValues = instance(snapshot, "cache").path("values");
    assertThat(cacheValues.path("heapUsed").asDouble()).isPositive();
    JsonNode later =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                api::snapshot,
                s ->
                    s.path("at").asLong() > at
                        && target(s, "cache").path("lastScrapeAt").asLong() > cacheScrape
                        && !instance(s, "cache").path("values").equals(cacheValues));
    assertThat(target(later, "cache").path("up").asBoolean()).isTrue();
    assertThat(target(later, "gateway").path("up").asBoolean()).isFalse();
    assertThat(target(later, "gateway").path("lastScrapeAt").asLong())
        .as("the dead target is still tried")
        .isGreaterThan(dead.path("lastScrapeAt").asLong());

    // The newest point may be a step still filling: compare the ones before it.
    List<JsonNode> old = cpu(api.history(CPU));
    old = old.subList(0, old.size() - 1);
    long lastOld = old.get(old.size() - 1).path(0).asLong();
    first.close();
    started.remove(first);
    // Redis restarts from its append-only file too.
    redis.stop();
    redis.startProcess();
    long restartedAt = System.currentTimeMillis();
    startMetrics(props, "perf-restart-metrics-2", cache);

    JsonNode after =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> api.history(CPU),
                h -> cpu(h).stream().anyMatch(p -> p.path(0).asLong() > restartedAt));
    Map<Long, Double> answered = new LinkedHashMap<>();
    cpu(after).forEach(p -> answered.put(p.path(0).asLong(), p.path(1).asDouble()));
    Map<Long, Double> kept = new LinkedHashMap<>();
    old.forEach(p -> kept.put(p.path(0).asLong(), p.path(1).asDouble()));
    assertThat(answered).as("the points recorded before the restart").containsAllEntriesOf(kept);
    assertThat(cpu(after).get(cpu(after).size() - 1).path(0).asLong())
        .as("new points after the old ones")
        .isGreaterThan(lastOld)
        .isGreaterThan(restartedAt);
  }

  private ServiceProcess startMetrics(Map<String, String> props, String log, ServiceProcess cache)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AI_CODER_METRICS_SCRAPE_INTERVAL", "1s");
    env.put(
        "AI_CODER_METRICS_TARGETS",
        "cache=http://"
            + CACHE_INSTANCE
            + "/q/metrics,gateway=http://"
            + DEAD_INSTANCE
            + "/q/metrics");
    ServiceProcess metrics = ServiceProcess.launch("metrics", log, METRICS, props, env);
    started.push(metrics);
    cache.awaitReady(Duration.ofSeconds(90));
    metrics.awaitReady(Duration.ofSeconds(90));
    return metrics;
  }

  /** The cache's cpu points that have a value. */
  private static List<JsonNode> cpu(JsonNode history) {
    return PerformanceApi.valued(PerformanceApi.series(history, "cache", CACHE_INSTANCE));
  }

  private static JsonNode target(JsonNode snapshot, String service) {
    for (JsonNode t : snapshot.path("targets")) {
      if (service.equals(t.path("service").asText())) {
        return t;
      }
    }
    throw new AssertionError("no target " + service + " in " + snapshot.path("targets"));
  }

  private static JsonNode instance(JsonNode snapshot, String service) {
    for (JsonNode i : snapshot.path("instances")) {
      if (service.equals(i.path("service").asText())) {
        return i;
      }
    }
    throw new AssertionError("no instance " + service + " in " + snapshot.path("instances"));
  }

  private static void deleteTree(Path folder) throws IOException {
    if (Files.exists(folder)) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
