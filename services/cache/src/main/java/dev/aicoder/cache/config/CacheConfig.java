package dev.aicoder.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The cache service's settings; environment variables are named in application.properties. */
@ConfigMapping(prefix = "aicoder.cache")
public interface CacheConfig {

  /** How long an entry lives unless its writer says otherwise ({@code CACHE_TTL}). */
  @WithDefault("1h")
  Duration ttl();
}
