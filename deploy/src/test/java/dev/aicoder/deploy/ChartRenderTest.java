package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real `helm lint` and `helm template` of the chart with each values file in helm/ai-coder/ci. */
class ChartRenderTest {

  @Test
  void lintsCleanly() {
    LintResult result = new Helm(Chart.DIR).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production", "external-redis"})
  void rendersEachValuesFile(String values) {
    var objects = Chart.render(values);
    objects.forEach(o -> System.out.println(Chart.id(o)));
    assertThat(objects).isNotEmpty();
  }
}
