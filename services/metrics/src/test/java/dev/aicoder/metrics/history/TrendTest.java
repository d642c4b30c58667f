package dev.aicoder.metrics.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {

  private static List<Object[]> line(double start, double perHour, int minutes) {
    List<Object[]> points = new ArrayList<>();
    for (int m = 0; m <= minutes; m++) {
      points.add(new Object[] {m * 60_000L, m % 7 == 3 ? null : start + perHour * m / 60.0});
    }
    return points;
  }

  @Test
  void aRisingLineIsUpWithItsSlopeAndForecast() {
    Trend t = Trend.of(line(0.2, 0.6, 60));
    assertThat(t.direction()).isEqualTo("up");
    assertThat(t.slopePerHour()).isCloseTo(0.6, within(1e-9));
    // 60 min + 15 min ahead on the line: 0.2 + 0.6 × 1.25
    assertThat(t.forecast().value()).isCloseTo(0.95, within(1e-9));
    assertThat(t.method()).contains("least-squares");
  }

  @Test
  void aSteadyOrFallingSeriesSaysSo() {
    assertThat(Trend.of(line(0.5, 0.001, 60)).direction()).isEqualTo("flat");
    assertThat(Trend.of(line(0.5, -0.3, 60)).direction()).isEqualTo("down");
    assertThat(Trend.of(List.<Object[]>of(new Object[] {0L, 1.0})).slopePerHour()).isNull();
  }
}
