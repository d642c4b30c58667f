package dev.aicoder.metrics.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.scrape.Samples;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FigureCalculatorTest {

  private static Samples scrape(long requests, long fast, long hits, long misses) throws Exception {
    String text =
        "process_cpu_usage 0.5\n"
            + "http_server_requests_seconds_bucket{le=\"0.1\"} "
            + fast
            + "\n"
            + "http_server_requests_seconds_bucket{le=\"0.5\"} "
            + requests
            + "\n"
            + "http_server_requests_seconds_bucket{le=\"+Inf\"} "
            + requests
            + "\n"
            + "http_server_requests_seconds_count "
            + requests
            + "\n"
            + "http_server_requests_seconds_sum "
            + requests * 0.05
            + "\n"
            + "cache_gets_total{result=\"hit\"} "
            + hits
            + "\n"
            + "cache_gets_total{result=\"miss\"} "
            + misses
            + "\n";
    return Samples.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void ratesNeedTwoScrapesAndWindowsUseTheCountersGrowth() throws Exception {
    FigureCalculator calc = new FigureCalculator();
    Map<Figure, Double> first = calc.add(0, scrape(100, 100, 0, 0));
    assertThat(first).containsEntry(Figure.CPU, 0.5).doesNotContainKey(Figure.RPS);
    // 10 s later: 100 more requests, 50 of them slower than 100 ms; 90 hits and 10 misses
    Map<Figure, Double> second = calc.add(10_000, scrape(200, 150, 90, 10));
    assertThat(second.get(Figure.RPS)).isEqualTo(10.0);
    assertThat(second.get(Figure.RESPONSE_MEAN)).isCloseTo(0.05, within(1e-9));
    // p99 of the window: rank 99 of 100 lies in (0.1, 0.5], 49 of 50 along: 0.1 + 0.4 × 49/50
    assertThat(second.get(Figure.RESPONSE_P99)).isCloseTo(0.492, within(1e-9));
    assertThat(second.get(Figure.CACHE_HIT_RATE)).isCloseTo(0.9, within(1e-9));
  }

  @Test
  void aRestartedCounterCountsFromZero() throws Exception {
    FigureCalculator calc = new FigureCalculator();
    calc.add(0, scrape(1000, 1000, 0, 0));
    assertThat(calc.add(10_000, scrape(50, 50, 0, 0)).get(Figure.RPS)).isEqualTo(5.0);
  }

  @Test
  void quantileMatchesPromqlAtTheEdges() {
    TreeMap<Double, Double> counts =
        new TreeMap<>(Map.of(0.1, 0.0, Double.POSITIVE_INFINITY, 10.0));
    // everything above the last finite bound: PromQL answers that bound
    assertThat(FigureCalculator.quantile(0.99, new Samples.Buckets(counts, 10, 50), null))
        .isEqualTo(0.1);
    TreeMap<Double, Double> none = new TreeMap<>(Map.of(0.1, 0.0, Double.POSITIVE_INFINITY, 0.0));
    assertThat(FigureCalculator.quantile(0.99, new Samples.Buckets(none, 0, 0), null)).isNaN();
  }
}
