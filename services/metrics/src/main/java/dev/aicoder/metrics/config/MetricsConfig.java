package dev.aicoder.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The metrics service's settings; environment variables are named in application.properties. */
@ConfigMapping(prefix = "aicoder.metrics")
public interface MetricsConfig {

  /** How often every service's /q/metrics is scraped. */
  @WithDefault("15s")
  Duration scrapeInterval();
}
