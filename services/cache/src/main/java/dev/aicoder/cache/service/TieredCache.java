package dev.aicoder.cache.service;

import dev.aicoder.cache.config.CacheConfig;
import dev.aicoder.common.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cache: memory, then Redis, then files, read through with promotion (a hit in Redis or in the
 * files is copied into memory). Writes go to every tier; other replicas drop their copies through
 * {@link InvalidationFeed}. While Redis is unreachable, memory and files keep answering and writes
 * stay on this replica (reported as degraded).
 */
@Singleton // no client proxy: the tiers are read directly by CacheStats and the tests
// Caffeine makes a cache by reflection, one class per combination of features (L: listener, MW:
// weight bound, A: per-entry expiry); quarkus-caffeine registers only the common ones.
@RegisterForReflection(
    classNames = {
      "com.github.benmanes.caffeine.cache.SSLMWA",
      "com.github.benmanes.caffeine.cache.SSLMW"
    })
public class TieredCache {

  /** A value found, and the tier that had it. */
  public record Hit(byte[] value, String tier, long expiresAtMs) {}

  /** Where a write went, and why it did not reach every tier. */
  public record Written(List<String> stored, boolean degraded, String reason) {}

  final MemoryTier memory;
  final RedisTier redis;
  final FileTier file;
  private final EntryCodec codec;
  private final CacheMetrics metrics;
  private final RedisState redisState;
  private final InvalidationFeed feed;
  private final CacheConfig config;
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();

  /**
   * Counts the copies dropped here. A lookup promotes what it read from a lower tier only if no
   * drop happened meanwhile: else a read racing an invalidation could put the old value back.
   */
  private final AtomicLong drops = new AtomicLong();

  TieredCache(
      CacheConfig config,
      ReactiveRedisDataSource redis,
      CacheMetrics metrics,
      RedisState redisState,
      InvalidationFeed feed) {
    this.config = config;
    this.metrics = metrics;
    this.redisState = redisState;
    this.feed = feed;
    this.codec =
        new EntryCodec(
            KeyRing.of(config.key(), config.oldKeys().orElse(List.of())),
            (int) config.compressAbove().asLongValue());
    ForkJoinPool upkeep = ForkJoinPool.commonPool();
    // Caffeine's upkeep on the calling thread: handing it to a pool woke a pool thread on busy
    // cores and put the L1 hit p99 at 6 us instead of about 1 us (benchmarks/cache).
    this.memory =
        new MemoryTier(
            config.memory().maxBytes().asLongValue(),
            ns -> metrics.evicted(ns, "memory"),
            Runnable::run);
    this.redis = new RedisTier(redis.getRedis(), config.redis().maxBytes().asLongValue());
    this.file =
        new FileTier(
            config.file().dir(),
            config.file().maxBytes().asLongValue(),
            ns -> metrics.evicted(ns, "file"),
            upkeep);
    feed.attach(this);
    config.namespaces().forEach(this::known);
    metrics.gauges(
        memory::size, memory::weight, file::size, file::weight, () -> redisState.up() ? 1 : 0);
    Log.infof(
        "Cache tiers: memory %s, Redis %s, files %s in %s; entries %s; default TTL %s",
        config.memory().maxBytes().asLongValue(),
        config.redis().maxBytes().asLongValue(),
        config.file().maxBytes().asLongValue(),
        config.file().dir(),
        config.key().isPresent() ? "encrypted (AES-256-GCM)" : "not encrypted",
        config.ttl());
  }

  public Hit get(String namespace, String key) {
    known(namespace);
    long start = System.nanoTime();
    Hit hit = find(namespace, key);
    metrics.lookup(
        namespace, hit != null, hit == null ? null : hit.tier(), System.nanoTime() - start);
    return hit;
  }

  private Hit find(String namespace, String key) {
    MemoryTier.Held held = memory.get(namespace, key);
    metrics.tier(namespace, "memory", held != null);
    if (held != null) {
      return new Hit(held.value(), "memory", held.expiresAtMs());
    }
    long dropsBefore = drops.get();
    if (redisState.up()) {
      byte[] bytes = null;
      boolean reached = true;
      try {
        bytes = redis.get(namespace, key);
      } catch (RuntimeException e) {
        redisState.failed(e);
        reached = false;
      }
      if (reached) {
        EntryCodec.Decoded d = decode(namespace, key, bytes, "redis");
        metrics.tier(namespace, "redis", d != null);
        if (d != null) {
          promote(namespace, key, d, dropsBefore);
          return new Hit(d.value(), "redis", d.expiresAtMs());
        }
      }
    }
    byte[] bytes = readFile(namespace, key);
    EntryCodec.Decoded d = decode(namespace, key, bytes, "file");
    metrics.tier(namespace, "file", d != null);
    if (d == null) {
      return null;
    }
    // Into memory only: Redis not having it may mean another replica just deleted it, and copying
    // it back there would undo that delete for every replica.
    promote(namespace, key, d, dropsBefore);
    return new Hit(d.value(), "file", d.expiresAtMs());
  }

  private void promote(String namespace, String key, EntryCodec.Decoded d, long dropsBefore) {
    memory.put(namespace, key, new MemoryTier.Held(namespace, d.value(), d.expiresAtMs()));
    if (drops.get() != dropsBefore) {
      memory.remove(namespace, key); // dropped while we read: the value may be the old one
    }
  }

  private byte[] readFile(String namespace, String key) {
    try {
      return file.get(namespace, key);
    } catch (UncheckedIOException e) {
      Log.warnf("Cannot read the cache file of %s/%s: %s", namespace, key, e.getMessage());
      return null;
    }
  }

  /** The entry's value; null when absent, expired, corrupt (then dropped) or of an unknown key. */
  private EntryCodec.Decoded decode(String namespace, String key, byte[] bytes, String tier) {
    if (bytes == null) {
      return null;
    }
    try {
      return codec.decode(namespace, key, bytes, System.currentTimeMillis());
    } catch (EntryCodec.CorruptEntry e) {
      Log.warnf("Dropped a corrupt %s entry %s/%s: %s", tier, namespace, key, e.getMessage());
      metrics.corrupt(namespace, tier);
      if (tier.equals("file")) {
        file.remove(namespace, key);
      } else {
        redis.delete(
            List.of(RedisTier.entry(namespace, key)), InvalidationFeed.STREAM, feed.replica());
      }
      return null;
    } catch (EntryCodec.UnknownKey e) {
      // Left in place: replicas that hold the key (a rotation under way) can still read it.
      Log.debugf("Cannot read %s entry %s/%s: %s", tier, namespace, key, e.getMessage());
      return null;
    }
  }

  public Written put(String namespace, String key, byte[] value, Duration ttl) {
    known(namespace);
    if (value.length > config.maxEntrySize().asLongValue()) {
      throw new ProblemException(
          413,
          "entry-too-large",
          "Entry too large",
          "The value has "
              + value.length
              + " bytes; the most an entry may hold is "
              + config.maxEntrySize().asLongValue()
              + " (AI_CODER_CACHE_MAX_ENTRY_SIZE).");
    }
    if (ttl.compareTo(config.maxTtl()) > 0) {
      throw new ProblemException(
          400, "bad-ttl", "TTL too long", "The TTL may be at most " + config.maxTtl() + ".");
    }
    long expiresAtMs = System.currentTimeMillis() + ttl.toMillis();
    byte[] encoded = codec.encode(namespace, key, value, expiresAtMs);
    List<String> stored = new ArrayList<>(List.of("memory"));
    drops.incrementAndGet(); // a lookup reading the old value now must not promote it
    memory.put(namespace, key, new MemoryTier.Held(namespace, value, expiresAtMs));
    String reason = null;
    if (redisState.up()) {
      try {
        redis
            .put(namespace, key, encoded, expiresAtMs, InvalidationFeed.STREAM, feed.replica())
            .forEach(this::evictedFromRedis);
        stored.add("redis");
      } catch (RuntimeException e) {
        redisState.failed(e);
        reason = "Redis is unreachable (" + e.getMessage() + "): the entry stays on this replica";
      }
    } else {
      reason = "Redis is unreachable: the entry stays on this replica";
    }
    try {
      file.put(namespace, key, encoded);
      stored.add("file");
    } catch (UncheckedIOException e) {
      Log.warnf("Cannot write the cache file of %s/%s: %s", namespace, key, e.getMessage());
    }
    metrics.written(namespace, reason != null);
    return new Written(stored, reason != null, reason);
  }

  /** Removes an entry from every tier here, and from other replicas' memory and files. */
  public void delete(String namespace, String key) {
    known(namespace);
    forget(namespace, key);
    shared(
        () ->
            redis.delete(
                List.of(RedisTier.entry(namespace, key)), InvalidationFeed.STREAM, feed.replica()));
  }

  /** Empties one namespace, or everything when null; returns the shared entries removed. */
  public long clear(String namespace) {
    forget(namespace, null);
    long cleared =
        shared(
            () -> {
              long n = redis.clear(namespace);
              feed.publish(namespace == null ? "*" : namespace, "*");
              return n;
            });
    Log.infof(
        "Cleared %s: %d shared entries", namespace == null ? "the cache" : namespace, cleared);
    return cleared;
  }

  /** Drops this replica's copies: one entry, a namespace (key null), or all (both null). */
  void forget(String namespace, String key) {
    drops.incrementAndGet();
    if (key == null) {
      memory.clear(namespace);
      file.clear(namespace);
    } else {
      memory.remove(namespace, key);
      file.remove(namespace, key);
    }
  }

  /** A change to the shared tier; while Redis is unreachable, a 503 that says what happened. */
  private long shared(java.util.function.LongSupplier change) {
    try {
      return change.getAsLong();
    } catch (RuntimeException e) {
      redisState.failed(e);
      throw new ProblemException(
          503,
          "cache-degraded",
          "Redis is unreachable",
          "Removed from this replica only: Redis is unreachable (" + e.getMessage() + ").");
    }
  }

  private void evictedFromRedis(String entryKey) {
    metrics.evicted(RedisTier.namespaceOf(entryKey), "redis");
  }

  /** Namespaces seen so far: each has its own meters, so their number is bounded. */
  public Set<String> namespaces() {
    return Set.copyOf(namespaces);
  }

  private void known(String namespace) {
    if (namespaces.contains(namespace)) {
      return;
    }
    synchronized (namespaces) {
      if (!namespaces.contains(namespace) && namespaces.size() >= config.maxNamespaces()) {
        throw new ProblemException(
            400,
            "too-many-namespaces",
            "Too many namespaces",
            "The cache keeps at most "
                + config.maxNamespaces()
                + " namespaces"
                + " (AI_CODER_CACHE_MAX_NAMESPACES); '"
                + namespace
                + "' would be one more.");
      }
      if (namespaces.add(namespace)) {
        metrics.register(namespace);
      }
    }
  }

  public boolean redisUp() {
    return redisState.up();
  }
}
