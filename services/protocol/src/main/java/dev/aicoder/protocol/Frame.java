package dev.aicoder.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every frame of wire protocol version 1 (DESIGN section 2): one object with a {@code type}.
 * Unknown fields are ignored so later versions can add fields; a change of meaning is a new
 * version, not an edit.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(Frame.Join.class),
  @JsonSubTypes.Type(Frame.Prompt.class),
  @JsonSubTypes.Type(Frame.Resume.class),
  @JsonSubTypes.Type(Frame.Cancel.class),
  @JsonSubTypes.Type(Frame.Ping.class),
  @JsonSubTypes.Type(Frame.Pong.class),
  @JsonSubTypes.Type(Frame.Accepted.class),
  @JsonSubTypes.Type(Frame.Delta.class),
  @JsonSubTypes.Type(Frame.Done.class),
  @JsonSubTypes.Type(Frame.Error.class),
  @JsonSubTypes.Type(Frame.Cancelled.class),
  @JsonSubTypes.Type(Frame.Restart.class)
})
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Frame {

  /** The protocol version the subprotocol names carry. */
  int VERSION = 1;

  /**
   * What is wrong with this frame as a client sent it, in words a client developer can act on;
   * empty when it is valid. Server frames are always valid.
   */
  default Optional<String> problem() {
    return Optional.empty();
  }

  /** A server event of one turn; {@code seq} counts from 1 without gaps. */
  sealed interface TurnEvent extends Frame {
    String turnId();

    long seq();

    /** Whether this event ends the turn. */
    @JsonIgnore
    default boolean isFinal() {
      return !(this instanceof Delta) && !(this instanceof Restart);
    }
  }

  /** Watch a conversation: receive every turn of it. */
  @JsonTypeName("join")
  record Join(String conversationId) implements Frame {
    @Override
    public Optional<String> problem() {
      return checkConversationId(conversationId);
    }
  }

  /** A workspace file attached to a prompt as context. */
  record ContextRef(String path, String workspaceId) {}

  /** Ask the assistant. */
  @JsonTypeName("prompt")
  record Prompt(String conversationId, String clientMsgId, String text, List<ContextRef> context)
      implements Frame {
    @Override
    public Optional<String> problem() {
      Optional<String> conversation = checkConversationId(conversationId);
      if (conversation.isPresent()) {
        return conversation;
      }
      if (clientMsgId == null
          || clientMsgId.isBlank()
          || clientMsgId.length() > Limits.MAX_ID_LENGTH) {
        return Optional.of(
            "clientMsgId is required, at most " + Limits.MAX_ID_LENGTH + " characters");
      }
      if (text == null || text.isBlank()) {
        return Optional.of("text is required");
      }
      if (text.length() > Limits.MAX_PROMPT_CHARS) {
        return Optional.of("text is longer than " + Limits.MAX_PROMPT_CHARS + " characters");
      }
      if (context != null && context.size() > Limits.MAX_CONTEXT_FILES) {
        return Optional.of("at most " + Limits.MAX_CONTEXT_FILES + " context files");
      }
      return Optional.empty();
    }
  }

  /** Replay every event of a turn after {@code lastSeq}, then continue live. */
  @JsonTypeName("resume")
  record Resume(String turnId, long lastSeq) implements Frame {
    @Override
    public Optional<String> problem() {
      if (!isUuid(turnId)) {
        return Optional.of("turnId must be a UUID");
      }
      return lastSeq < 0 ? Optional.of("lastSeq must be 0 or more") : Optional.empty();
    }
  }

  /** Stop a turn's generation at the model. */
  @JsonTypeName("cancel")
  record Cancel(String turnId) implements Frame {
    @Override
    public Optional<String> problem() {
      return isUuid(turnId) ? Optional.empty() : Optional.of("turnId must be a UUID");
    }
  }

  /** Liveness probe; either side may send it. */
  @JsonTypeName("ping")
  record Ping(long ts) implements Frame {}

  /** The answer to a {@link Ping}, echoing its {@code ts}. */
  @JsonTypeName("pong")
  record Pong(long ts) implements Frame {}

  /** The prompt became (or already was) the turn {@code turnId}. */
  @JsonTypeName("accepted")
  record Accepted(String clientMsgId, String turnId, String conversationId, boolean queued)
      implements Frame {}

  /** A piece of the answer. */
  @JsonTypeName("delta")
  record Delta(String turnId, long seq, String text) implements TurnEvent {}

  /** Token counts of a finished turn. */
  record Usage(int inputTokens, int outputTokens) {}

  /** The answer is complete. */
  @JsonTypeName("done")
  record Done(String turnId, long seq, Usage usage) implements TurnEvent {}

  /**
   * A failure: of a turn (with {@code turnId} and {@code seq}) or of one frame (without them; seq 0
   * is left out of the encoding).
   */
  @JsonTypeName("error")
  record Error(
      String turnId,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long seq,
      String code,
      String message)
      implements TurnEvent {
    /** A frame-level error, outside any turn. */
    public static Error frame(String code, String message) {
      return new Error(null, 0, code, message);
    }
  }

  /** The turn was stopped at the model. */
  @JsonTypeName("cancelled")
  record Cancelled(String turnId, long seq) implements TurnEvent {}

  /** Discard the partial answer: the turn is being generated again. */
  @JsonTypeName("restart")
  record Restart(String turnId, long seq) implements TurnEvent {}

  private static Optional<String> checkConversationId(String id) {
    return isUuid(id) ? Optional.empty() : Optional.of("conversationId must be a UUID");
  }

  /** Whether {@code s} is a UUID in its canonical form. */
  static boolean isUuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    try {
      return UUID.fromString(s).toString().equalsIgnoreCase(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
