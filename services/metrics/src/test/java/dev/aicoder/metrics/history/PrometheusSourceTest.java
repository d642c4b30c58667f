package dev.aicoder.metrics.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.metrics.Figure;
import org.junit.jupiter.api.Test;

class PrometheusSourceTest {

  @Test
  void everyQueryCarriesTheServiceAndTheInstallsSelector() {
    PrometheusSource source =
        new PrometheusSource("http://p:9090", "namespace=\"team-a\"", new ObjectMapper());
    for (Figure figure : Figure.values()) {
      String q = source.promql(figure, "gateway", 60);
      assertThat(q).contains("application=\"gateway\",namespace=\"team-a\"");
      assertThat(q).doesNotContain("SEL").doesNotContain("WIN");
    }
    assertThat(
            new PrometheusSource("http://p:9090", "", new ObjectMapper())
                .promql(Figure.CPU, null, 60))
        .isEqualTo(
            "max by (application, instance) (process_cpu_usage{application=~\"gateway|chat-websocket|ai-streaming|cache|metrics\"})");
  }

  @Test
  void aSelectorThatIsNotLabelEqualitiesIsRefused() {
    assertThatThrownBy(
            () -> new PrometheusSource("http://p:9090", "namespace=~\".*\"", new ObjectMapper()))
        .hasMessageContaining("AI_CODER_PROMETHEUS_SELECTOR");
    assertThatThrownBy(
            () -> new PrometheusSource("http://p:9090", "ns=\"a\\\"}\"", new ObjectMapper()))
        .hasMessageContaining("AI_CODER_PROMETHEUS_SELECTOR");
  }
}
