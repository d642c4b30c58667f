package dev.aicoder.metrics.history;

import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.Snapshot.InstanceValues;
import dev.aicoder.metrics.config.MetricsConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history without a Prometheus: two Redis streams, one entry per scrape (kept {@code
 * fine-retention}) and one per {@code coarse-step} with each figure's mean (kept {@code
 * coarse-retention}), trimmed by age as they are written. An entry has one field per instance
 * ({@code service|instance}) holding its values in {@link Figure} order, comma-separated, empty for
 * none: about 150 bytes per instance. Redis keeps them across restarts (AOF).
 */
@ApplicationScoped
public class LocalHistory {

  static final String FINE = "aicoder:perf:history:fine";
  static final String COARSE = "aicoder:perf:history:coarse";
  private static final Figure[] FIGURES = Figure.values();

  private final RedisDataSource redis;
  private final long fineRetentionMs;
  private final long coarseStepMs;
  private final long coarseRetentionMs;
  private long coarseBucket = -1;
  private final Map<String, double[]> sums = new HashMap<>();
  private final Map<String, int[]> counts = new HashMap<>();

  LocalHistory(RedisDataSource redis, MetricsConfig config) {
    this.redis = redis;
    this.fineRetentionMs = config.history().fineRetention().toMillis();
    this.coarseStepMs = config.history().coarseStep().toMillis();
    this.coarseRetentionMs = config.history().coarseRetention().toMillis();
  }

  /** Appends one scrape's values; every coarse step, also the means of the step that ended. */
  public synchronized void append(long now, List<InstanceValues> instances) {
    List<String> args =
        new ArrayList<>(
            List.of(FINE, "MINID", "~", String.valueOf(now - fineRetentionMs), now + "-0"));
    long bucket = now / coarseStepMs * coarseStepMs;
    if (coarseBucket >= 0 && bucket != coarseBucket) {
      flushCoarse();
    }
    coarseBucket = bucket;
    for (InstanceValues instance : instances) {
      String field = instance.service() + "|" + instance.instance();
      double[] sum = sums.computeIfAbsent(field, f -> new double[FIGURES.length]);
      int[] count = counts.computeIfAbsent(field, f -> new int[FIGURES.length]);
      StringBuilder csv = new StringBuilder();
      for (int i = 0; i < FIGURES.length; i++) {
        Double v = instance.values().get(FIGURES[i].id);
        if (i > 0) {
          csv.append(',');
        }
        if (v != null) {
          csv.append(format(v));
          sum[i] += v;
          count[i]++;
        }
      }
      args.add(field);
      args.add(csv.toString());
    }
    if (!instances.isEmpty()) {
      xadd(args);
    }
  }

  private void flushCoarse() {
    List<String> args =
        new ArrayList<>(
            List.of(
                COARSE,
                "MINID",
                "~",
                String.valueOf(coarseBucket - coarseRetentionMs),
                coarseBucket + "-0"));
    sums.forEach(
        (field, sum) -> {
          int[] count = counts.get(field);
          StringBuilder csv = new StringBuilder();
          for (int i = 0; i < FIGURES.length; i++) {
            if (i > 0) {
              csv.append(',');
            }
            if (count[i] > 0) {
              csv.append(format(sum[i] / count[i]));
            }
          }
          args.add(field);
          args.add(csv.toString());
        });
    sums.clear();
    counts.clear();
    if (args.size() > 5) {
      xadd(args);
    }
  }

  private void xadd(List<String> args) {
    try {
      redis.execute("XADD", args.toArray(String[]::new));
    } catch (RuntimeException e) {
      // An entry not newer than the last (another leader wrote this moment): skip it.
      Log.debugf("history entry skipped: %s", e.getMessage());
    }
  }

  /**
   * The figure's series over {@code [from, to]}, {@code step} apart (each point the mean of the
   * entries in its step), from the fine stream when the range fits in it, else the coarse one.
   */
  public HistoryResult query(
      Figure figure, String service, String instance, long from, long to, long step) {
    String key = to - from <= fineRetentionMs ? FINE : COARSE;
    int index = figure.ordinal();
    Response entries = redis.execute("XRANGE", key, String.valueOf(from), String.valueOf(to));
    Map<String, TreeMap<Long, double[]>> buckets = new LinkedHashMap<>();
    for (Response entry : entries) {
      String id = entry.get(0).toString();
      long t = Long.parseLong(id.substring(0, id.indexOf('-')));
      long bucket = from + (t - from) / step * step;
      Response fields = entry.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String field = fields.get(i).toString();
        int bar = field.indexOf('|');
        if (bar < 0
            || (service != null && !service.equals(field.substring(0, bar)))
            || (instance != null && !instance.equals(field.substring(bar + 1)))) {
          continue;
        }
        Double v = value(fields.get(i + 1).toString(), index);
        if (v != null) {
          double[] acc =
              buckets
                  .computeIfAbsent(field, f -> new TreeMap<>())
                  .computeIfAbsent(bucket, b -> new double[2]);
          acc[0] += v;
          acc[1]++;
        }
      }
    }
    List<HistoryResult.Series> series = new ArrayList<>();
    buckets.forEach(
        (field, byBucket) -> {
          List<Object[]> points = new ArrayList<>();
          for (long t = from; t <= to; t += step) {
            double[] acc = byBucket.get(t);
            points.add(new Object[] {t, acc == null ? null : acc[0] / acc[1]});
          }
          int bar = field.indexOf('|');
          series.add(
              new HistoryResult.Series(
                  field.substring(0, bar), field.substring(bar + 1), points, Trend.of(points)));
        });
    return new HistoryResult(
        figure.id, figure.unit.id(), (to - from) / 1000, step / 1000, "local", series);
  }

  /** The stored value at {@code index} of a comma-separated entry, or null. */
  static Double value(String csv, int index) {
    int start = 0;
    for (int i = 0; i < index; i++) {
      start = csv.indexOf(',', start) + 1;
      if (start == 0) {
        return null;
      }
    }
    int end = csv.indexOf(',', start);
    String v = end < 0 ? csv.substring(start) : csv.substring(start, end);
    return v.isEmpty() ? null : Double.valueOf(v);
  }

  /** Four significant digits: what a chart can show, in a few bytes. */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(java.util.Locale.ROOT, "%.4g", v).replaceFirst("\\.?0+(e|$)", "$1");
  }
}
