package dev.aicoder.metrics.service;

import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.scrape.Samples;
import dev.aicoder.metrics.scrape.Samples.Buckets;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one instance's successive scrapes into figures: gauges as read, counters as rates since the
 * previous scrape, and the windowed figures (p99 response time over 5 minutes, cache hit rate over
 * 10 minutes) the way the Prometheus rules compute them, from the counters' growth over the window.
 * Not thread-safe: one instance is scraped by one thread at a time.
 */
public final class FigureCalculator {

  static final long FIVE_MINUTES = 300_000;
  static final long TEN_MINUTES = 600_000;

  /** The counters kept from each scrape. */
  enum Counter {
    GC_PAUSE,
    HTTP_COUNT,
    HTTP_SUM,
    HTTP_5XX,
    CACHE_HIT,
    CACHE_MISS,
    CACHE_EVICTIONS,
    WS_IN,
    WS_OUT,
    PROMPT_COUNT,
    PROMPT_SUM,
    TOKENS
  }

  /** What one scrape contributes to the windows. */
  @RegisterForReflection
  record Raw(long at, EnumMap<Counter, Double> counters, Buckets http, Buckets ttft) {}

  /** The sample names the figures read; a scrape parses only these. */
  public static final Set<String> NAMES =
      Set.of(
          "process_cpu_usage",
          "system_cpu_usage",
          "system_load_average_1m",
          "jvm_memory_used_bytes",
          "jvm_memory_max_bytes",
          "jvm_gc_pause_seconds_sum",
          "jvm_threads_live_threads",
          "http_server_requests_seconds_bucket",
          "http_server_requests_seconds_count",
          "http_server_requests_seconds_sum",
          "http_server_active_requests",
          "process_files_open_files",
          "cache_gets_total",
          "aicoder_cache_bytes",
          "aicoder_cache_evictions_total",
          "aicoder_ws_connections",
          "aicoder_ws_frames_in_total",
          "aicoder_ws_frames_out_total",
          "aicoder_chat_prompt_seconds_count",
          "aicoder_chat_prompt_seconds_sum",
          "aicoder_turn_active",
          "aicoder_turn_queued",
          "aicoder_turn_ttft_seconds_bucket",
          "aicoder_turn_ttft_seconds_count",
          "aicoder_turn_ttft_seconds_sum",
          "aicoder_turn_delta_tokens_sum");

  private final Deque<Raw> window = new ArrayDeque<>();

  /** The figures after a scrape at {@code at}; a value that cannot be computed yet is absent. */
  public Map<Figure, Double> add(long at, Samples s) {
    Raw raw = raw(at, s);
    Raw previous = window.peekLast();
    window.addLast(raw);
    while (window.size() > 2 && window.peekFirst().at() < at - TEN_MINUTES - 60_000) {
      window.removeFirst();
    }
    EnumMap<Figure, Double> v = new EnumMap<>(Figure.class);
    put(v, Figure.CPU, s.sum("process_cpu_usage"));
    put(v, Figure.SYSTEM_CPU, s.sum("system_cpu_usage"));
    put(v, Figure.LOAD1, s.sum("system_load_average_1m"));
    double heapUsed = s.sum("jvm_memory_used_bytes", l -> "heap".equals(l.get("area")));
    // G1 reports -1 for the pools without their own limit; the old generation carries it.
    double heapMax =
        s.sum("jvm_memory_max_bytes", l -> "heap".equals(l.get("area")), value -> value > 0);
    put(v, Figure.HEAP_USED, heapUsed);
    put(v, Figure.HEAP, heapMax > 0 ? heapUsed / heapMax : Double.NaN);
    put(v, Figure.THREADS, s.sum("jvm_threads_live_threads"));
    put(v, Figure.ACTIVE_REQUESTS, s.sum("http_server_active_requests"));
    put(v, Figure.OPEN_FILES, s.sum("process_files_open_files"));
    put(v, Figure.CACHE_BYTES, s.sum("aicoder_cache_bytes"));
    put(v, Figure.WS_CONNECTIONS, s.sum("aicoder_ws_connections"));
    put(v, Figure.AI_ACTIVE, s.sum("aicoder_turn_active"));
    put(v, Figure.AI_QUEUED, s.sum("aicoder_turn_queued"));
    if (previous != null) {
      double seconds = (at - previous.at()) / 1000.0;
      put(v, Figure.GC_PAUSE, delta(raw, previous, Counter.GC_PAUSE) / seconds);
      put(v, Figure.RPS, delta(raw, previous, Counter.HTTP_COUNT) / seconds);
      put(v, Figure.ERRORS, delta(raw, previous, Counter.HTTP_5XX) / seconds);
      put(v, Figure.RESPONSE_MEAN, mean(raw, previous, Counter.HTTP_SUM, Counter.HTTP_COUNT));
      double gets =
          delta(raw, previous, Counter.CACHE_HIT) + delta(raw, previous, Counter.CACHE_MISS);
      put(v, Figure.CACHE_GETS, gets / seconds);
      put(v, Figure.CACHE_EVICTIONS, delta(raw, previous, Counter.CACHE_EVICTIONS) / seconds);
      put(v, Figure.WS_FRAMES_IN, delta(raw, previous, Counter.WS_IN) / seconds);
      put(v, Figure.WS_FRAMES_OUT, delta(raw, previous, Counter.WS_OUT) / seconds);
      put(
          v,
          Figure.WS_PROMPT_LATENCY,
          mean(raw, previous, Counter.PROMPT_SUM, Counter.PROMPT_COUNT));
      put(v, Figure.TOKENS_PER_SECOND, delta(raw, previous, Counter.TOKENS) / seconds);
    }
    Raw fiveAgo = oldestSince(at - FIVE_MINUTES);
    if (fiveAgo != raw) {
      put(v, Figure.RESPONSE_P99, quantile(0.99, raw.http(), fiveAgo.http()));
      put(v, Figure.TTFT_P95, quantile(0.95, raw.ttft(), fiveAgo.ttft()));
    }
    Raw tenAgo = oldestSince(at - TEN_MINUTES);
    if (tenAgo != raw) {
      double hits = delta(raw, tenAgo, Counter.CACHE_HIT);
      double gets = hits + delta(raw, tenAgo, Counter.CACHE_MISS);
      double perSecond = gets / ((at - tenAgo.at()) / 1000.0);
      // Below one lookup a minute a hit rate says nothing (as in the Prometheus rule).
      put(v, Figure.CACHE_HIT_RATE, perSecond > 1.0 / 60 ? hits / gets : Double.NaN);
    }
    return v;
  }

  /** Forgets the window (the target was down: its counters may have restarted). */
  public void reset() {
    window.clear();
  }

  private Raw oldestSince(long since) {
    for (Raw r : window) {
      if (r.at() >= since) {
        return r;
      }
    }
    return window.peekLast();
  }

  private static Raw raw(long at, Samples s) {
    EnumMap<Counter, Double> c = new EnumMap<>(Counter.class);
    c.put(Counter.GC_PAUSE, s.sum("jvm_gc_pause_seconds_sum"));
    c.put(Counter.HTTP_COUNT, s.sum("http_server_requests_seconds_count"));
    c.put(Counter.HTTP_SUM, s.sum("http_server_requests_seconds_sum"));
    c.put(
        Counter.HTTP_5XX,
        s.sum(
            "http_server_requests_seconds_count",
            l -> l.getOrDefault("status", "").startsWith("5")));
    c.put(Counter.CACHE_HIT, s.sum("cache_gets_total", l -> "hit".equals(l.get("result"))));
    c.put(Counter.CACHE_MISS, s.sum("cache_gets_total", l -> "miss".equals(l.get("result"))));
    c.put(Counter.CACHE_EVICTIONS, s.sum("aicoder_cache_evictions_total"));
    c.put(Counter.WS_IN, s.sum("aicoder_ws_frames_in_total"));
    c.put(Counter.WS_OUT, s.sum("aicoder_ws_frames_out_total"));
    c.put(Counter.PROMPT_COUNT, s.sum("aicoder_chat_prompt_seconds_count"));
    c.put(Counter.PROMPT_SUM, s.sum("aicoder_chat_prompt_seconds_sum"));
    c.put(Counter.TOKENS, s.sum("aicoder_turn_delta_tokens_sum"));
    return new Raw(
        at,
        c,
        s.histogram("http_server_requests_seconds", l -> true),
        s.histogram("aicoder_turn_ttft_seconds", l -> true));
  }

  /** A counter's growth; a counter that went down restarted, so all of it is new. */
  private static double delta(Raw now, Raw before, Counter counter) {
    double a = now.counters().get(counter);
    double b = before.counters().get(counter);
    if (Double.isNaN(a)) {
      return Double.NaN;
    }
    if (Double.isNaN(b)) {
      return a;
    }
    return a >= b ? a - b : a;
  }

  private static double mean(Raw now, Raw before, Counter sum, Counter count) {
    double n = delta(now, before, count);
    return n > 0 ? delta(now, before, sum) / n : Double.NaN;
  }

  /** histogram_quantile over the buckets' growth: linear within the bucket, as PromQL does. */
  static double quantile(double q, Buckets now, Buckets before) {
    if (now == null) {
      return Double.NaN;
    }
    TreeMap<Double, Double> grown = new TreeMap<>();
    now.counts()
        .forEach(
            (le, c) -> {
              double b = before == null ? 0 : before.counts().getOrDefault(le, 0.0);
              grown.put(le, c >= b ? c - b : c);
            });
    double total = grown.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : grown.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey() == Double.POSITIVE_INFINITY) {
          return lowerBound; // PromQL answers the highest finite bound
        }
        double inBucket = bucket.getValue() - lowerCount;
        return inBucket <= 0
            ? bucket.getKey()
            : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = bucket.getKey();
      lowerCount = bucket.getValue();
    }
    return lowerBound;
  }

  private static void put(Map<Figure, Double> values, Figure figure, double value) {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      values.put(figure, value);
    }
  }
}
