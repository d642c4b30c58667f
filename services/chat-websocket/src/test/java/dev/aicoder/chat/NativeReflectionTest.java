package dev.aicoder.chat;

import static org.assertj.core.api.Assertions.assertThat;

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
                List.of(Session.class, Problem.class, Frame.class),
                Set.of(
                    // in-process only (TurnAnnounced is a CDI event)
                    "dev.aicoder.chat.service.ChatService$Accepted",
                    "dev.aicoder.chat.service.TokenCheck$Loaded",
                    "dev.aicoder.chat.service.ConversationAccess$Watch",
                    "dev.aicoder.chat.stream.TurnAnnouncements$TurnAnnounced")))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
