package dev.aicoder.gateway.config;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Builds the gateway's in-process caches: each with the bound its builder sets, statistics on, and
 * shown to Prometheus by name ({@code cache_gets_total{cache="…",result="hit|miss"}}, {@code
 * cache_evictions_total}, {@code cache_size}).
 */
@ApplicationScoped
// Caffeine makes a cache by reflection, one generated class per combination of features (S:
// statistics, MS/MW: size or weight bound, A/W: expiry). quarkus-caffeine registers only the
// common ones for a native image; these are the ones the gateway's caches use.
@RegisterForReflection(
    classNames = {
      "com.github.benmanes.caffeine.cache.SSSMS",
      "com.github.benmanes.caffeine.cache.SSSMSA",
      "com.github.benmanes.caffeine.cache.SSSMSW",
      "com.github.benmanes.caffeine.cache.SSSMW",
      "com.github.benmanes.caffeine.cache.SSSMWW"
    })
public class LocalCaches {

  private final MeterRegistry registry;
  private final Executor executor;

  @Inject
  LocalCaches(MeterRegistry registry) {
    this(registry, ForkJoinPool.commonPool());
  }

  /** Tests pass {@code Runnable::run}, so evictions have happened when a write returns. */
  public LocalCaches(MeterRegistry registry, Executor executor) {
    this.registry = registry;
    this.executor = executor;
  }

  /** A cache built from {@code builder} (which sets its bound), registered as {@code name}. */
  public <K, V> Cache<K, V> build(String name, Caffeine<? super K, ? super V> builder) {
    Cache<K, V> cache = builder.executor(executor).recordStats().build();
    return CaffeineCacheMetrics.monitor(registry, cache, name);
  }
}
