package dev.aicoder.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.common.Problem;
import dev.aicoder.common.ReflectionRegistrations;
import dev.aicoder.protocol.Frame;
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
            ReflectionRegistrations.missing(
                List.of(AiConfig.class, Problem.class, Frame.class),
                Set.of(
                    // in-process only
                    "dev.aicoder.ai.service.TurnService$Running",
                    "dev.aicoder.ai.service.EventBatches$Pending",
                    "dev.aicoder.ai.service.Lanes$Lane",
                    "dev.aicoder.ai.stream.RequestEntries$Read")))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
