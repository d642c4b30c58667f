package dev.aicoder.cache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlConverterTest {

  private final TtlConverter converter = new TtlConverter();

  @Test
  void theSeedsBareMillisecondsAreMilliseconds() {
    assertThat(converter.convert("300000")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void durationsInEitherForm() {
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("PT5M")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aHeaderCountsSecondsAsHttpDoes() {
    assertThat(TtlConverter.parse("300", false)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void nonsenseIsRefusedWithAnExample() {
    assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("90s, 5m, 1h");
    assertThatThrownBy(() -> converter.convert("0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> converter.convert(" ")).hasMessageContaining("empty");
  }
}
