package dev.aicoder.cache.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Tier 1: decoded values in this process's memory, bounded by bytes, W-TinyLFU eviction (Caffeine),
 * each entry expiring at its own time.
 */
public final class MemoryTier {

  /** A value and when it expires. */
  public record Held(String namespace, byte[] value, long expiresAtMs) {}

  private final Cache<String, Held> entries;

  /**
   * @param evicted told the namespace of each entry evicted for room
   * @param executor where Caffeine does its upkeep ({@code Runnable::run} makes it synchronous)
   */
  public MemoryTier(long maxBytes, Consumer<String> evicted, Executor executor) {
    this.entries =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String k, Held h) -> h.value().length + 2 * k.length() + 64)
            .expireAfter(
                Expiry.writing(
                    (String k, Held h) ->
                        Duration.ofMillis(
                            Math.max(0, h.expiresAtMs() - System.currentTimeMillis()))))
            .executor(executor)
            .removalListener(
                (String k, Held h, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE && h != null) {
                    evicted.accept(h.namespace());
                  }
                })
            .build();
  }

  static String id(String namespace, String key) {
    return namespace + '/' + key;
  }

  public Held get(String namespace, String key) {
    return entries.getIfPresent(id(namespace, key));
  }

  public void put(String namespace, String key, Held held) {
    entries.put(id(namespace, key), held);
  }

  public void remove(String namespace, String key) {
    entries.invalidate(id(namespace, key));
  }

  /** Drops one namespace, or everything when {@code namespace} is null. */
  public void clear(String namespace) {
    if (namespace == null) {
      entries.invalidateAll();
    } else {
      entries.asMap().keySet().removeIf(k -> k.startsWith(namespace + '/'));
    }
  }

  /** The weight held now (values plus their keys and overhead), for the bytes gauge. */
  public long weight() {
    return entries.policy().eviction().flatMap(e -> boxed(e.weightedSize())).orElse(0L);
  }

  private static java.util.Optional<Long> boxed(java.util.OptionalLong v) {
    return v.isPresent() ? java.util.Optional.of(v.getAsLong()) : java.util.Optional.empty();
  }

  public long size() {
    return entries.estimatedSize();
  }

  /** Entries and bytes per namespace, for statistics. */
  public void measure(Tally tally) {
    entries.cleanUp();
    entries.asMap().values().forEach(h -> tally.add(h.namespace(), h.value().length));
  }
}
