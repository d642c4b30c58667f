package dev.aicoder.cache.service;

import dev.aicoder.cache.config.CacheConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /cache/stats} shows: per tier and per namespace, hits, misses, hit rate,
 * evictions, entries, bytes and corrupt entries, and the lookup time by tier. Hits and misses come
 * from {@link CacheMetrics}; entries and bytes are counted from the tiers when asked.
 */
@ApplicationScoped
public class CacheStats {

  private final TieredCache cache;
  private final CacheMetrics metrics;
  private final RedisState redisState;
  private final CacheConfig config;

  CacheStats(TieredCache cache, CacheMetrics metrics, RedisState redisState, CacheConfig config) {
    this.cache = cache;
    this.metrics = metrics;
    this.redisState = redisState;
    this.config = config;
  }

  public Map<String, Object> snapshot() {
    Map<String, Tally> sizes = new LinkedHashMap<>();
    Tally memory = new Tally();
    cache.memory.measure(memory);
    sizes.put("memory", memory);
    Tally redis = new Tally();
    if (redisState.up()) {
      try {
        cache.redis.sweep();
        cache.redis.scan(null, (k, size) -> redis.add(RedisTier.namespaceOf(k), size));
      } catch (RuntimeException e) {
        redisState.failed(e);
      }
    }
    sizes.put("redis", redis);
    Tally file = new Tally();
    cache.file.measure(file);
    sizes.put("file", file);

    Map<String, Object> namespaces = new TreeMap<>();
    Map<String, Map<String, Long>> tierTotals = new LinkedHashMap<>();
    for (String tier : CacheMetrics.TIERS) {
      tierTotals.put(tier, new LinkedHashMap<>());
    }
    for (String ns : cache.namespaces()) {
      Map<String, Object> tiers = new LinkedHashMap<>();
      for (String tier : CacheMetrics.TIERS) {
        Tally.Count count = sizes.get(tier).byNamespace().get(ns);
        Map<String, Long> t = new LinkedHashMap<>();
        t.put(
            "hits",
            metrics.count(
                "aicoder.cache.tier.gets", "namespace", ns, "tier", tier, "result", "hit"));
        t.put(
            "misses",
            metrics.count(
                "aicoder.cache.tier.gets", "namespace", ns, "tier", tier, "result", "miss"));
        t.put("evictions", metrics.count("aicoder.cache.evictions", "namespace", ns, "tier", tier));
        t.put("corrupt", metrics.count("aicoder.cache.corrupt", "namespace", ns, "tier", tier));
        t.put("entries", count == null ? 0 : count.entries);
        t.put("bytes", count == null ? 0 : count.bytes);
        t.forEach((k, v) -> tierTotals.get(tier).merge(k, v, Long::sum));
        tiers.put(tier, withRate(t));
      }
      long hits = metrics.count("cache.gets", "cache", ns, "result", "hit");
      long misses = metrics.count("cache.gets", "cache", ns, "result", "miss");
      Map<String, Object> one =
          new LinkedHashMap<>(withRate(Map.of("hits", hits, "misses", misses)));
      one.put("tiers", tiers);
      namespaces.put(ns, one);
    }
    Map<String, Object> tiers = new LinkedHashMap<>();
    Map<String, Long> max =
        Map.of(
            "memory", config.memory().maxBytes().asLongValue(),
            "redis", config.redis().maxBytes().asLongValue(),
            "file", config.file().maxBytes().asLongValue());
    for (String tier : CacheMetrics.TIERS) {
      Map<String, Object> t = new LinkedHashMap<>(withRate(tierTotals.get(tier)));
      t.put("entries", sizes.get(tier).entries());
      t.put("bytes", sizes.get(tier).bytes());
      t.put("maxBytes", max.get(tier));
      t.put("latency", metrics.latency(tier));
      tiers.put(tier, t);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("redis", redisState.up() ? "up" : "down");
    out.put("degraded", !redisState.up());
    if (!redisState.up()) {
      out.put(
          "reason",
          "Redis is unreachable ("
              + redisState.reason()
              + "): memory and files answer, writes stay on each replica");
    }
    out.put("tiers", tiers);
    out.put("namespaces", namespaces);
    out.put("missLatency", metrics.latency("miss"));
    return out;
  }

  private static Map<String, Object> withRate(Map<String, Long> counts) {
    Map<String, Object> out = new LinkedHashMap<>(counts);
    long hits = counts.getOrDefault("hits", 0L);
    long lookups = hits + counts.getOrDefault("misses", 0L);
    out.put("hitRate", lookups == 0 ? 0.0 : (double) hits / lookups);
    return out;
  }
}
