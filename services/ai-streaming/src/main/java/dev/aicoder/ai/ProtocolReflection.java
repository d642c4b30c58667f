package dev.aicoder.ai;

import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers the protocol module's records for reflection in a native executable: Jackson builds and
 * reads them through FrameCodec, which Quarkus cannot see, and the plain-Java module carries no
 * Quarkus annotations. Nested classes are registered too (every frame type is nested in Frame).
 */
@RegisterForReflection(targets = {Frame.class, ChatMessage.class, TurnRequest.class})
public final class ProtocolReflection {

  private ProtocolReflection() {}
}
