package dev.aicoder.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.common.Problem;
import dev.aicoder.common.ReflectionRegistrations;
import dev.aicoder.metrics.config.MetricsConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A native executable can serialize only what is registered for reflection: a new DTO or frame
 * record that is not would work in JVM mode and fail in the native image.
 */
class NativeReflectionTest {

  @Test
  void everySerializedRecordIsRegisteredForReflection() {
    assertThat(
            ReflectionRegistrations.missing(List.of(MetricsConfig.class, Problem.class), Set.of()))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
