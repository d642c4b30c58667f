package dev.aicoder.metrics.history;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A figure's history over a range: one series per instance, each with its trend. */
@RegisterForReflection
public record HistoryResult(
    String figure, String unit, long range, long step, String source, List<Series> series) {

  /** One instance's points ({@code [ms, value or null]}) and trend. */
  @RegisterForReflection
  public record Series(String service, String instance, List<Object[]> points, Trend trend) {}
}
