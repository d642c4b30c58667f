package dev.aicoder.cache.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What this process wrote to the cache, bounded by bytes and by each entry's TTL: it answers reads
 * while the cache service is down or too slow, so callers lose sharing, not their cache.
 */
final class LocalCopy {

  private record Entry(byte[] value, Duration ttl) {}

  private final Cache<String, Entry> entries;
  private final Duration defaultTtl;

  LocalCopy(long maxBytes, Duration defaultTtl) {
    this(maxBytes, defaultTtl, Ticker.systemTicker());
  }

  /** With the given clock, so tests can pass time. */
  LocalCopy(long maxBytes, Duration defaultTtl, Ticker ticker) {
    this.defaultTtl = defaultTtl;
    this.entries =
        Caffeine.newBuilder()
            .ticker(ticker)
            // Upkeep on the writer's thread: it is small, and needs no shared pool.
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .weigher((String k, Entry e) -> 2 * k.length() + e.value().length)
            // From the last write: a rewritten entry lives for its new TTL.
            .expireAfter(Expiry.writing((String k, Entry e) -> e.ttl()))
            .build();
  }

  void put(String namespace, String key, byte[] value, Duration ttl) {
    Duration lifetime = ttl == null ? defaultTtl : ttl;
    if (lifetime.isNegative() || lifetime.isZero()) {
      remove(namespace, key);
      return;
    }
    entries.put(id(namespace, key), new Entry(value, lifetime));
  }

  Optional<byte[]> get(String namespace, String key) {
    return Optional.ofNullable(entries.getIfPresent(id(namespace, key))).map(Entry::value);
  }

  Map<String, byte[]> getAll(String namespace, Collection<String> keys) {
    Map<String, byte[]> found = new HashMap<>();
    for (String key : keys) {
      get(namespace, key).ifPresent(v -> found.put(key, v));
    }
    return found;
  }

  /** Bytes held now, as the bound counts them. */
  long weight() {
    entries.cleanUp();
    return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  void remove(String namespace, String key) {
    entries.invalidate(id(namespace, key));
  }

  /** A namespace has no '/', so this names one entry only. */
  private static String id(String namespace, String key) {
    return namespace + "/" + key;
  }
}
