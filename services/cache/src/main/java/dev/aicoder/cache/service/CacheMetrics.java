package dev.aicoder.cache.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The cache's counters, per namespace and tier, in Micrometer; {@code /cache/stats} reads the same
 * counters, so the page and Prometheus always agree.
 *
 * <ul>
 *   <li>{@code cache_gets_total{cache, result}}: lookups answered by any tier (Micrometer's name
 *       for cache lookups, which the hit-rate alert reads for every cache of the product)
 *   <li>{@code aicoder_cache_tier_gets_total{namespace, tier, result}}: each tier's own hits and
 *       misses (a lookup reaches tier 2 only after missing tier 1)
 *   <li>{@code aicoder_cache_evictions_total}, {@code aicoder_cache_corrupt_total}: per namespace
 *       and tier; {@code aicoder_cache_writes_total{namespace, result=stored|degraded}}
 *   <li>{@code aicoder_cache_get_seconds{tier}}: lookup time by the tier that answered (or miss)
 * </ul>
 */
@ApplicationScoped
public class CacheMetrics {

  /** The tiers, in lookup order. */
  public static final List<String> TIERS = List.of("memory", "redis", "file");

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  CacheMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * {@code aicoder_cache_entries{tier}} and {@code aicoder_cache_bytes{tier}} of the memory and
   * file tiers (Redis's are on the Redis dashboard), and {@code aicoder_cache_redis_up} (0:
   * degraded).
   */
  void gauges(
      LongSupplier memoryEntries,
      LongSupplier memoryBytes,
      LongSupplier fileEntries,
      LongSupplier fileBytes,
      LongSupplier redisUp) {
    gauge("aicoder.cache.entries", "memory", memoryEntries);
    gauge("aicoder.cache.bytes", "memory", memoryBytes);
    gauge("aicoder.cache.entries", "file", fileEntries);
    gauge("aicoder.cache.bytes", "file", fileBytes);
    Gauge.builder("aicoder.cache.redis.up", redisUp, s -> s.getAsLong())
        .strongReference(true)
        .description("1 while Redis answers; 0 while the cache is degraded to memory and files")
        .register(registry);
  }

  private void gauge(String name, String tier, LongSupplier value) {
    // Held strongly: Micrometer keeps a gauge's object weakly, and these lambdas have no other
    // owner,
    // so after a garbage collection the gauges read NaN.
    Gauge.builder(name, value, s -> s.getAsLong())
        .strongReference(true)
        .tag("tier", tier)
        .register(registry);
  }

  /** A lookup's outcome over all tiers. */
  public void lookup(String namespace, boolean hit, String answeredBy, long nanos) {
    counter("cache.gets", "cache", namespace, "result", hit ? "hit" : "miss").increment();
    timer(hit ? answeredBy : "miss").record(nanos, TimeUnit.NANOSECONDS);
  }

  public void tier(String namespace, String tier, boolean hit) {
    counter(
            "aicoder.cache.tier.gets",
            "namespace",
            namespace,
            "tier",
            tier,
            "result",
            hit ? "hit" : "miss")
        .increment();
  }

  public void evicted(String namespace, String tier) {
    counter("aicoder.cache.evictions", "namespace", namespace, "tier", tier).increment();
  }

  public void corrupt(String namespace, String tier) {
    counter("aicoder.cache.corrupt", "namespace", namespace, "tier", tier).increment();
  }

  public void written(String namespace, boolean degraded) {
    counter(
            "aicoder.cache.writes",
            "namespace",
            namespace,
            "result",
            degraded ? "degraded" : "stored")
        .increment();
  }

  /** Registers a namespace's meters at zero, so its series exist before its first miss. */
  public void register(String namespace) {
    for (String result : List.of("hit", "miss")) {
      counter("cache.gets", "cache", namespace, "result", result);
      for (String tier : TIERS) {
        counter("aicoder.cache.tier.gets", "namespace", namespace, "tier", tier, "result", result);
      }
    }
    counter("aicoder.cache.writes", "namespace", namespace, "result", "stored");
    counter("aicoder.cache.writes", "namespace", namespace, "result", "degraded");
    for (String tier : TIERS) {
      counter("aicoder.cache.evictions", "namespace", namespace, "tier", tier);
      counter("aicoder.cache.corrupt", "namespace", namespace, "tier", tier);
    }
  }

  /** A counter's value so far (0 when it was never made). */
  public long count(String name, String... tags) {
    Counter c = counters.get(name + String.join(",", tags));
    return c == null ? 0 : (long) c.count();
  }

  /** The lookup time of one tier (or {@code miss}): count, mean, p99 and max in milliseconds. */
  public Map<String, Object> latency(String tier) {
    Timer t = timer(tier);
    double p99 = 0;
    for (var p : t.takeSnapshot().percentileValues()) {
      if (p.percentile() == 0.99) {
        p99 = p.value(TimeUnit.MILLISECONDS);
      }
    }
    return Map.of(
        "count", t.count(),
        "meanMs", t.mean(TimeUnit.MILLISECONDS),
        "p99Ms", p99,
        "maxMs", t.max(TimeUnit.MILLISECONDS));
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(
        name + String.join(",", tags), k -> Counter.builder(name).tags(tags).register(registry));
  }

  private Timer timer(String tier) {
    return timers.computeIfAbsent(
        tier,
        t ->
            Timer.builder("aicoder.cache.get")
                .description("Time to answer a cache lookup, by the tier that answered")
                .tag("tier", t)
                .publishPercentiles(0.5, 0.99)
                .serviceLevelObjectives(
                    Duration.ofNanos(10_000),
                    Duration.ofNanos(100_000),
                    Duration.ofMillis(1),
                    Duration.ofMillis(5),
                    Duration.ofMillis(25),
                    Duration.ofMillis(100))
                .register(registry));
  }
}
