package dev.aicoder.metrics.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.Snapshot.InstanceValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {

  private static final AlertRule CPU =
      new AlertRule(
          "AiCoderCpuHigh", Figure.CPU, "warning", true, 0.7, Duration.ofSeconds(30), "CPU");
  private static final AlertRule HIT =
      new AlertRule(
          "AiCoderCacheHitRateLow",
          Figure.CACHE_HIT_RATE,
          "warning",
          false,
          0.8,
          Duration.ZERO,
          "hit");

  private static List<InstanceValues> cpu(Double value) {
    java.util.HashMap<String, Double> v = new java.util.HashMap<>();
    v.put("cpu", value);
    return List.of(new InstanceValues("gateway", "10.0.0.1:8080", true, v));
  }

  private static List<String> run(AlertEvaluator e, long from, double... values) {
    List<String> states = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      for (Alert a : e.evaluate(from + i * 5_000L, cpu(values[i]))) {
        states.add(a.state());
      }
    }
    return states;
  }

  @Test
  void firesOnlyAfterTheRulesDurationAndResolvesAfterClearFor() {
    AlertEvaluator e = new AlertEvaluator(List.of(CPU), 0.05, Duration.ofSeconds(10));
    // pending at 0 s, still pending at 25 s, firing at 30 s
    assertThat(run(e, 0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8)).containsExactly("pending");
    assertThat(run(e, 30_000, 0.8)).containsExactly("firing");
    assertThat(e.active()).extracting(Alert::state).containsExactly("firing");
    // clear at 35 s; 45 s is 10 s of clear: resolved
    assertThat(run(e, 35_000, 0.5, 0.5)).isEmpty();
    assertThat(run(e, 45_000, 0.5)).containsExactly("resolved");
    assertThat(e.active()).isEmpty();
  }

  @Test
  void aValueHoveringAtTheThresholdDoesNotFlap() {
    AlertEvaluator e = new AlertEvaluator(List.of(CPU), 0.05, Duration.ofSeconds(10));
    double[] hovering = new double[60];
    for (int i = 0; i < hovering.length; i++) {
      hovering[i] = i % 2 == 0 ? 0.71 : 0.69;
    }
    assertThat(run(e, 0, hovering)).containsExactly("pending", "firing");
    // without hysteresis the same values fire and resolve over and over
    AlertEvaluator noHysteresis = new AlertEvaluator(List.of(CPU), 0, Duration.ZERO);
    assertThat(run(noHysteresis, 0, hovering)).hasSizeGreaterThan(10);
  }

  @Test
  void aPendingAlertThatClearsNeverFiresAndAMissingValueChangesNothing() {
    AlertEvaluator e = new AlertEvaluator(List.of(CPU), 0.05, Duration.ofSeconds(10));
    assertThat(run(e, 0, 0.9)).containsExactly("pending");
    assertThat(e.evaluate(5_000, cpu(null))).isEmpty();
    assertThat(run(e, 10_000, 0.1)).containsExactly("resolved");
    assertThat(e.active()).isEmpty();
  }

  @Test
  void belowRulesFireUnderTheirThreshold() {
    AlertEvaluator e = new AlertEvaluator(List.of(HIT), 0.05, Duration.ZERO);
    List<InstanceValues> low =
        List.of(new InstanceValues("cache", "c:8083", true, Map.of("cacheHitRate", 0.6)));
    assertThat(e.evaluate(0, low)).extracting(Alert::state).containsExactly("pending", "firing");
    List<InstanceValues> edge =
        List.of(new InstanceValues("cache", "c:8083", true, Map.of("cacheHitRate", 0.83)));
    assertThat(e.evaluate(1_000, edge)).isEmpty(); // above 0.8 but not past 0.84
    List<InstanceValues> good =
        List.of(new InstanceValues("cache", "c:8083", true, Map.of("cacheHitRate", 0.95)));
    assertThat(e.evaluate(2_000, good)).extracting(Alert::state).containsExactly("resolved");
  }

  @Test
  void aRestoredEvaluatorCarriesOnWithoutFiringAgain() {
    AlertEvaluator first = new AlertEvaluator(List.of(CPU), 0.05, Duration.ofSeconds(10));
    run(first, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9);
    AlertEvaluator next = new AlertEvaluator(List.of(CPU), 0.05, Duration.ofSeconds(10));
    next.restore(first.active());
    assertThat(run(next, 40_000, 0.9, 0.9)).isEmpty();
    assertThat(next.active()).extracting(Alert::state).containsExactly("firing");
  }
}
