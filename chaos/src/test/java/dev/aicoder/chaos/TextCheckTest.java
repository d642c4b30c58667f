package dev.aicoder.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlm;
import org.junit.jupiter.api.Test;

/** The checker counts what a viewer showed against the model's tokens. */
class TextCheckTest {

  @Test
  void aWholeAnswerIsClean() {
    assertThat(Report.TextCheck.of(FakeLlm.expectedText(5), 5))
        .isEqualTo(new Report.TextCheck(0, 0, 0, false));
  }

  @Test
  void missingRepeatedAndSwappedTokensAreCounted() {
    assertThat(Report.TextCheck.of("t0 t1 t3 t4 ", 5))
        .isEqualTo(new Report.TextCheck(1, 0, 0, false));
    assertThat(Report.TextCheck.of("t0 t1 t2 t1 t2 t3 t4 ", 5))
        .isEqualTo(new Report.TextCheck(0, 2, 1, false));
    assertThat(Report.TextCheck.of("t0 t2 t1 t3 t4 ", 5))
        .isEqualTo(new Report.TextCheck(0, 0, 1, false));
    assertThat(Report.TextCheck.of("t0 t1 t2 t3 t4 t5 ", 5))
        .as("more than the model sent")
        .isEqualTo(new Report.TextCheck(0, 1, 0, false));
    assertThat(Report.TextCheck.of("t0 t1 x t2 ", 3).foreign()).isTrue();
  }

  @Test
  void anAnswerEndedByAnErrorMayStopAnywhereButHaveNoHole() {
    assertThat(Report.TextCheck.of("t0 t1 t2 ", -1))
        .isEqualTo(new Report.TextCheck(0, 0, 0, false));
    assertThat(Report.TextCheck.of("", -1)).isEqualTo(new Report.TextCheck(0, 0, 0, false));
    assertThat(Report.TextCheck.of("t0 t2 ", -1)).isEqualTo(new Report.TextCheck(1, 0, 0, false));
  }
}
