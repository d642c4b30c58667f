package dev.aicoder.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SamplesTest {

  /** A real scrape of chat-websocket's /q/metrics. */
  static byte[] chatScrape() throws IOException {
    try (InputStream in = SamplesTest.class.getResourceAsStream("/chat-websocket.prom")) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsGaugesCountersAndHistogramsOfARealScrape() throws IOException {
    Samples samples = Samples.parse(chatScrape());

    assertThat(samples.names()).isGreaterThan(100);
    assertThat(samples.sum("process_cpu_usage")).isBetween(0.0, 1.0);
    assertThat(samples.sum("jvm_memory_used_bytes", l -> "heap".equals(l.get("area"))))
        .isGreaterThan(1_000_000);
    assertThat(samples.sum("aicoder_ws_connections")).isEqualTo(0);
    Samples.Buckets redis = samples.histogram("redis_commands_duration_seconds", l -> true);
    assertThat(redis).isNotNull();
    assertThat(redis.counts()).containsKeys(0.01, 0.1, Double.POSITIVE_INFINITY);
    assertThat(redis.counts().get(Double.POSITIVE_INFINITY)).isEqualTo(redis.count());
  }

  @Test
  void aMissingFamilyIsNotANumber() throws IOException {
    assertThat(Samples.parse(chatScrape()).sum("no_such_metric")).isNaN();
  }

  @Test
  void labelValuesWithEscapesAndSpecialValuesParse() throws IOException {
    String text =
        """
        # TYPE odd gauge
        odd{path="a \\"quoted\\" \\\\ value",x="1"} 2.5
        odd{path="b",x="2"} NaN
        # TYPE lat_seconds histogram
        lat_seconds_bucket{le="0.1"} 3
        lat_seconds_bucket{le="+Inf"} 4
        lat_seconds_count 4
        lat_seconds_sum 0.9
        """;
    Samples samples = Samples.parse(text.getBytes(StandardCharsets.UTF_8));
    assertThat(samples.sum("odd")).isEqualTo(2.5); // NaN samples are skipped
    assertThat(samples.sum("odd", l -> "a \"quoted\" \\ value".equals(l.get("path"))))
        .isEqualTo(2.5);
    assertThat(samples.histogram("lat_seconds", l -> true).count()).isEqualTo(4);
  }

  @Test
  void garbageIsRefusedWithTheLine() {
    assertThatThrownBy(
            () -> Samples.parse("ok 1\n{not: prometheus}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Samples.parse("a{b=\"c} 1".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not closed");
    assertThatThrownBy(() -> Samples.parse("a{b=\"c\"} one".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a number");
  }

  @Test
  void onlyTheWantedNamesAreKept() throws IOException {
    Samples all = Samples.parse(chatScrape());
    Samples some = Samples.parse(chatScrape(), java.util.Set.of("process_cpu_usage"));
    assertThat(some.names()).isEqualTo(1);
    assertThat(some.sum("process_cpu_usage")).isEqualTo(all.sum("process_cpu_usage"));
    assertThat(some.sum("jvm_memory_used_bytes")).isNaN();
  }
}
