package dev.aicoder.metrics.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalHistoryFormatTest {

  @Test
  void valuesKeepFourSignificantDigitsInFewBytes() {
    assertThat(LocalHistory.format(0.123456)).isEqualTo("0.1235");
    assertThat(LocalHistory.format(42)).isEqualTo("42");
    assertThat(LocalHistory.format(1.5e9 + 0.5)).isEqualTo("1.5e+09");
    assertThat(Double.parseDouble(LocalHistory.format(123456.7))).isEqualTo(123500.0);
  }

  @Test
  void anEntryIsReadByFigureIndexWithGapsAsNull() {
    assertThat(LocalHistory.value("0.5,,3", 0)).isEqualTo(0.5);
    assertThat(LocalHistory.value("0.5,,3", 1)).isNull();
    assertThat(LocalHistory.value("0.5,,3", 2)).isEqualTo(3.0);
    // an entry written before a figure was added
    assertThat(LocalHistory.value("0.5,,3", 7)).isNull();
  }
}
