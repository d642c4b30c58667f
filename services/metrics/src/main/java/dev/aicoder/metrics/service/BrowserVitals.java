package dev.aicoder.metrics.service;

import dev.aicoder.metrics.Snapshot.BrowserFigures;
import dev.aicoder.metrics.Snapshot.Percentile;
import dev.aicoder.metrics.config.MetricsConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web app's own numbers: Web Vitals, long tasks, render times and heap, as browsers report
 * them. The newest {@code keep} values per name live in Redis lists (shared by the replicas, kept
 * across restarts); reports over the budget per minute, all browsers together, are refused.
 */
@ApplicationScoped
public class BrowserVitals {

  /** The names a report may carry, with the largest value that makes sense for each. */
  public static final Map<String, Double> NAMES =
      Map.of(
          "LCP", 600_000.0,
          "INP", 600_000.0,
          "CLS", 100.0,
          "FCP", 600_000.0,
          "TTFB", 600_000.0,
          "longTask", 600_000.0,
          "render", 600_000.0,
          "heapUsed", 64.0 * (1L << 30));

  static final String PREFIX = "aicoder:perf:browser:";
  static final String REPORTS = PREFIX + "reports";

  /** One value of a report. */
  @RegisterForReflection
  public record Sample(String name, double value) {}

  private final RedisDataSource redis;
  private final int perMinute;
  private final int keep;

  BrowserVitals(RedisDataSource redis, MetricsConfig config) {
    this.redis = redis;
    this.perMinute = config.browser().reportsPerMinute();
    this.keep = config.browser().keep();
  }

  /** Takes one report's share of this minute's budget; false when it is spent. */
  public boolean admit(long now) {
    String key = PREFIX + "budget:" + now / 60_000;
    long used = redis.execute("INCR", key).toLong();
    if (used == 1) {
      redis.execute("EXPIRE", key, "120");
    }
    return used <= perMinute;
  }

  /** Stores a checked report's samples. */
  public void record(List<Sample> samples) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (Sample s : samples) {
      byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(Double.toString(s.value()));
    }
    byName.forEach(
        (name, values) -> {
          List<String> args = new ArrayList<>();
          args.add(PREFIX + name);
          args.addAll(values);
          redis.execute("LPUSH", args.toArray(String[]::new));
          redis.execute("LTRIM", PREFIX + name, "0", String.valueOf(keep - 1));
        });
    redis.execute("INCR", REPORTS);
  }

  /** The 75th percentile of each name's kept values (what Web Vitals reports judge by). */
  public BrowserFigures summary() {
    Map<String, Percentile> values = new HashMap<>();
    for (String name : NAMES.keySet()) {
      Response list = redis.execute("LRANGE", PREFIX + name, "0", "-1");
      double[] v = new double[list.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = Double.parseDouble(list.get(i).toString());
      }
      if (v.length > 0) {
        Arrays.sort(v);
        values.put(name, new Percentile(v[(int) Math.ceil(0.75 * v.length) - 1], v.length));
      }
    }
    Response reports = redis.execute("GET", REPORTS);
    return new BrowserFigures(reports == null ? 0 : reports.toLong(), values);
  }
}
