package dev.aicoder.gateway;

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
                List.of(Account.class, Problem.class, Frame.class),
                Set.of(
                    // in-process only
                    "dev.aicoder.gateway.rest.FileReadRoute$LastDate",
                    "dev.aicoder.gateway.service.FileCache$Cached",
                    "dev.aicoder.gateway.service.FileCache$Key",
                    "dev.aicoder.gateway.service.WorkspaceFiles$FileVersion",
                    "dev.aicoder.gateway.service.WorkspaceFiles$WriteResult",
                    "dev.aicoder.gateway.security.RequestGate$Revocation",
                    "dev.aicoder.gateway.security.SigningKeys$Loaded",
                    "dev.aicoder.gateway.security.Authenticator$TokenKey")))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
