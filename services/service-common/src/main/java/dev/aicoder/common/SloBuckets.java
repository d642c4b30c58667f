package dev.aicoder.common;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Histogram buckets at the SLO thresholds (DESIGN section 7, grafana/rules/slos.yaml) for the
 * timers behind an SLO, the same in every service. Micrometer's default buckets have no
 * 0.1/0.5/1/2/5 s boundary, so a ratio "under the threshold" could only be interpolated; with a
 * bucket exactly at each threshold the burn-rate rules read it off one {@code le} series.
 */
@Singleton
public class SloBuckets {

  /** Seconds; each meter keeps its other settings (a percentile histogram stays). */
  static final Map<String, double[]> SECONDS =
      Map.of(
          "http.server.requests",
          new double[] {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
          "aicoder.turn.ttft",
          ttft(),
          "aicoder.turn.ttft.queue",
          ttft(),
          "aicoder.turn.ttft.prompt",
          ttft(),
          "aicoder.turn.ttft.model",
          ttft(),
          "aicoder.turn.token.gap",
          new double[] {0.1, 0.25, 0.5, 1, 2, 5},
          "aicoder.chat.prompt",
          new double[] {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
          // The reader's blocking XREADGROUP lasts its block time; commands of the shared pool
          // take milliseconds, so these buckets tell a Redis that lags.
          "redis.commands.duration",
          new double[] {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1});

  private static double[] ttft() {
    return new double[] {0.25, 0.5, 1, 2, 5, 10};
  }

  @Produces
  @Singleton
  MeterFilter sloBuckets() {
    return filter();
  }

  /** The filter itself, for a registry outside CDI. */
  public static MeterFilter filter() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        double[] seconds = SECONDS.get(id.getName());
        if (seconds == null) {
          return config;
        }
        // A timer's distribution config is in nanoseconds.
        double[] nanos =
            Arrays.stream(seconds)
                .map(s -> Duration.ofMillis(Math.round(s * 1000)).toNanos())
                .toArray();
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }
}
