package dev.aicoder.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The metrics service's settings; environment variables are named in application.properties. */
@ConfigMapping(prefix = "aicoder.metrics")
public interface MetricsConfig {

  /** How often every target is scraped (and a live snapshot pushed). */
  @WithDefault("5s")
  Duration scrapeInterval();

  /** How long one scrape may take before the target counts as down. */
  @WithDefault("2s")
  Duration scrapeTimeout();

  /**
   * The targets: comma-separated {@code service=url}; {@code dns+http://name:port/path} scrapes
   * every address the name resolves to (a headless Service: every pod) as its own instance.
   */
  Optional<String> targets();

  /** A Prometheus to take history, trends and alerts from (its HTTP API); unset: local history. */
  Optional<String> prometheusUrl();

  /**
   * Label equalities added to every PromQL query and required of every alert, comma-separated
   * ({@code namespace="ai-coder"}), so installs sharing a Prometheus stay apart.
   */
  Optional<String> prometheusSelector();

  /** The seed's thresholds, the same numbers as grafana/rules/thresholds.yaml. */
  Thresholds thresholds();

  /** The alert lifecycle. */
  Alerts alerts();

  /** The local history in Redis (without Prometheus). */
  History history();

  /** The browser's own numbers. */
  Browser browser();

  /** Warning and critical levels of each figure with a threshold. */
  interface Thresholds {
    @WithDefault("0.7")
    double cpuWarning();

    @WithDefault("0.9")
    double cpuCritical();

    @WithDefault("0.7")
    double memoryWarning();

    @WithDefault("0.9")
    double memoryCritical();

    /** Below this cache hit rate. */
    @WithDefault("0.8")
    double cacheHitWarning();

    @WithDefault("0.7")
    double cacheHitCritical();

    /** Seconds of the p99 response time. */
    @WithDefault("0.1")
    double responseWarning();

    @WithDefault("0.5")
    double responseCritical();
  }

  /** How alerts move from pending to firing to resolved. */
  interface Alerts {
    /**
     * How long a condition must hold before its alert fires; unset, each rule's own duration from
     * grafana/rules/thresholds.yaml (5 to 15 minutes).
     */
    Optional<Duration> forDuration();

    /**
     * Hysteresis: a firing alert resolves only once its figure is this fraction past the threshold
     * (0.05: a 70 % CPU alert resolves below 66.5 %), so a value hovering at the line never flaps.
     */
    @WithDefault("0.05")
    double hysteresis();

    /** How long the figure must stay clear before a firing alert resolves. */
    @WithDefault("30s")
    Duration clearFor();

    /** Alert events kept in the Redis stream (the alert history). */
    @WithDefault("1000")
    int historySize();
  }

  /** The two resolutions of the local history. */
  interface History {
    /** The fine resolution is the scrape interval; kept this long. */
    @WithDefault("1h")
    Duration fineRetention();

    /** The coarse resolution. */
    @WithDefault("1m")
    Duration coarseStep();

    @WithDefault("24h")
    Duration coarseRetention();
  }

  /** Reports of the web app's own numbers. */
  interface Browser {
    /** Reports accepted per minute, all browsers together; more are refused with 429. */
    @WithDefault("600")
    int reportsPerMinute();

    /** Values kept per name for the percentiles. */
    @WithDefault("500")
    int keep();
  }
}
