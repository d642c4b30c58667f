package dev.aicoder.metrics.history;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * Where a series is heading: the least-squares line through its points, its slope per hour, and the
 * line extended {@link #AHEAD_MS} past the last point. "flat" when the line moves less than 5 % of
 * the series' typical size over the range.
 */
@RegisterForReflection
public record Trend(String method, Double slopePerHour, Forecast forecast, String direction) {

  static final long AHEAD_MS = 15 * 60_000;
  static final String METHOD = "least-squares line over the range, extended 15 minutes";

  /** The line's value at {@code at}. */
  @RegisterForReflection
  public record Forecast(long at, double value) {}

  /** The trend of {@code [ms, value or null]} points; "flat" with no slope below two points. */
  public static Trend of(List<Object[]> points) {
    int n = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    double scale = 0;
    long first = 0;
    long last = 0;
    for (Object[] p : points) {
      if (p[1] == null) {
        continue;
      }
      long t = (Long) p[0];
      if (n == 0) {
        first = t;
      }
      last = t;
      double x = (t - first) / 3_600_000.0;
      double y = (Double) p[1];
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      scale += Math.abs(y);
    }
    double denominator = n * sxx - sx * sx;
    if (n < 2 || denominator == 0) {
      return new Trend(METHOD, null, null, "flat");
    }
    double slope = (n * sxy - sx * sy) / denominator;
    double intercept = (sy - slope * sx) / n;
    long at = last + AHEAD_MS;
    double forecast = intercept + slope * ((at - first) / 3_600_000.0);
    double spanHours = (last - first) / 3_600_000.0;
    double typical = scale / n;
    String direction =
        Math.abs(slope * spanHours) <= 0.05 * typical || typical == 0
            ? "flat"
            : slope > 0 ? "up" : "down";
    return new Trend(METHOD, slope, new Forecast(at, forecast), direction);
  }
}
