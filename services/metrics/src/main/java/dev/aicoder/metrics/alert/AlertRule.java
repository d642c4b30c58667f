package dev.aicoder.metrics.alert;

import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.config.MetricsConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.util.List;

/**
 * One threshold alert, named and timed as its twin in grafana/rules/thresholds.yaml so the page
 * shows the same alert whether it evaluates it or Prometheus does.
 */
@RegisterForReflection
public record AlertRule(
    String name,
    Figure figure,
    String severity,
    boolean above,
    double threshold,
    Duration forDuration,
    String what) {

  /** The seed's four thresholds, warning and critical, from the configuration. */
  public static List<AlertRule> from(MetricsConfig config) {
    MetricsConfig.Thresholds t = config.thresholds();
    var override = config.alerts().forDuration();
    Duration ten = override.orElse(Duration.ofMinutes(10));
    Duration five = override.orElse(Duration.ofMinutes(5));
    Duration fifteen = override.orElse(Duration.ofMinutes(15));
    return List.of(
        new AlertRule("AiCoderCpuHigh", Figure.CPU, "warning", true, t.cpuWarning(), ten, "CPU"),
        new AlertRule("AiCoderCpuHigh", Figure.CPU, "critical", true, t.cpuCritical(), five, "CPU"),
        new AlertRule(
            "AiCoderMemoryHigh", Figure.HEAP, "warning", true, t.memoryWarning(), ten, "heap"),
        new AlertRule(
            "AiCoderMemoryHigh", Figure.HEAP, "critical", true, t.memoryCritical(), five, "heap"),
        new AlertRule(
            "AiCoderResponseTimeHigh",
            Figure.RESPONSE_P99,
            "warning",
            true,
            t.responseWarning(),
            ten,
            "p99 response time"),
        new AlertRule(
            "AiCoderResponseTimeHigh",
            Figure.RESPONSE_P99,
            "critical",
            true,
            t.responseCritical(),
            five,
            "p99 response time"),
        new AlertRule(
            "AiCoderCacheHitRateLow",
            Figure.CACHE_HIT_RATE,
            "warning",
            false,
            t.cacheHitWarning(),
            fifteen,
            "cache hit rate"),
        new AlertRule(
            "AiCoderCacheHitRateLow",
            Figure.CACHE_HIT_RATE,
            "critical",
            false,
            t.cacheHitCritical(),
            fifteen,
            "cache hit rate"));
  }

  boolean breached(double value) {
    return above ? value > threshold : value < threshold;
  }

  /** Past the threshold by the hysteresis margin, on the good side. */
  boolean clear(double value, double hysteresis) {
    return above ? value < threshold * (1 - hysteresis) : value > threshold * (1 + hysteresis);
  }

  String summary(String service) {
    String level =
        figure.unit == Figure.Unit.SECONDS
            ? Math.round(threshold * 1000) + " ms"
            : Math.round(threshold * 100) + " %";
    return service + ": " + what + (above ? " above " : " below ") + level;
  }
}
