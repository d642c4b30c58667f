package dev.aicoder.ai.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsumerNameTest {

  @Test
  void aConfiguredNameIsUsedAsItIs() {
    assertThat(ConsumerName.of(Optional.of("ai-a"), Map.of("HOSTNAME", "box"), 42))
        .isEqualTo("ai-a");
  }

  @Test
  void inKubernetesItIsThePodsNameWhateverTheProcess() {
    Map<String, String> pod =
        Map.of("HOSTNAME", "ai-streaming-7d9f-x2k4q", "KUBERNETES_SERVICE_HOST", "10.0.0.1");
    assertThat(ConsumerName.of(Optional.empty(), pod, 1)).isEqualTo("ai-streaming-7d9f-x2k4q");
    assertThat(ConsumerName.of(Optional.empty(), pod, 7)).isEqualTo("ai-streaming-7d9f-x2k4q");
  }

  @Test
  void twoProcessesOnOneHostGetTwoNames() {
    Map<String, String> host = Map.of("HOSTNAME", "box");
    assertThat(ConsumerName.of(Optional.empty(), host, 100)).isEqualTo("box-100");
    assertThat(ConsumerName.of(Optional.empty(), host, 101)).isEqualTo("box-101");
    assertThat(ConsumerName.of(Optional.empty(), Map.of(), 100))
        .isNotEqualTo(ConsumerName.of(Optional.empty(), Map.of(), 101))
        .endsWith("-100");
  }
}
