package dev.aicoder.metrics;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/** What the performance page shows at one moment (GET /api/performance, the live push). */
@RegisterForReflection
public record Snapshot(
    String mode,
    long at,
    long intervalSeconds,
    Map<String, FigureInfo> figures,
    List<GroupInfo> groups,
    List<ThresholdInfo> thresholds,
    List<TargetStatus> targets,
    List<InstanceValues> instances,
    List<ServiceValues> services,
    BrowserFigures browser,
    List<Alert> alerts) {

  /** A figure's label, unit and group. */
  @RegisterForReflection
  public record FigureInfo(String label, String unit, String group) {}

  /** A group of figures, in display order. */
  @RegisterForReflection
  public record GroupInfo(String id, String title, List<String> figures) {}

  /** A figure's warning and critical levels; {@code direction} is "above" or "below". */
  @RegisterForReflection
  public record ThresholdInfo(String figure, String direction, double warning, double critical) {}

  /** How the last scrape of one instance went. */
  @RegisterForReflection
  public record TargetStatus(
      String service,
      String instance,
      String url,
      boolean up,
      long lastScrapeAt,
      String lastError,
      double scrapeMillis,
      long bytes) {}

  /** One instance's figures; a value is null when it cannot be computed (yet). */
  @RegisterForReflection
  public record InstanceValues(
      String service, String instance, boolean up, Map<String, Double> values) {}

  /** A service's figures over its instances (totals, or the worst instance). */
  @RegisterForReflection
  public record ServiceValues(String service, int instances, int up, Map<String, Double> values) {}

  /** The web app's own numbers: per name, the 75th percentile and how many values it is of. */
  @RegisterForReflection
  public record BrowserFigures(long reports, Map<String, Percentile> values) {}

  /** A 75th percentile over {@code count} values. */
  @RegisterForReflection
  public record Percentile(double p75, int count) {}
}
