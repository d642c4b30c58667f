package dev.aicoder.cache.client;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The cache client's settings, shared by every service that uses it. A consuming service sets
 * {@code aicoder.cache-client.url} from {@code AI_CODER_CACHE_URL} and points {@code
 * quarkus.rest-client.cache-service.url} at it.
 */
@ConfigMapping(prefix = "aicoder.cache-client")
public interface CacheClientConfig {

  /** The cache service ({@code AI_CODER_CACHE_URL}). */
  @WithDefault("http://localhost:8083")
  String url();

  /**
   * How long a read waits for the cache service before it answers from the local copy: a cache that
   * answers slower than this is no help to the caller.
   */
  @WithDefault("250ms")
  Duration getTimeout();

  /** How long a write or a delete waits for the cache service. */
  @WithDefault("1s")
  Duration putTimeout();

  /**
   * Most bytes of values kept in this process as the local copy that answers while the cache
   * service is down (keys and values; least useful entries evicted first).
   */
  @WithDefault("16777216")
  long fallbackMaxBytes();

  /** How long the local copy keeps an entry written without a TTL. */
  @WithDefault("5m")
  Duration fallbackTtl();
}
