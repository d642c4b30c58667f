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

  /**
   * A workspace file attached to a prompt as context: {@code path} relative to the workspace root,
   * {@code workspaceId} as the gateway makes workspace ids.
   */
  record ContextRef(String path, String workspaceId) {}

  /**
   * Ask the assistant. {@code traceparent} (optional, W3C) names the span the prompt's trace
   * continues: a client that traces sets it, and the gateway's proxy sets its own hop's. {@code
   * cache} (optional, default false) lets the answer come from, and go to, the answer cache when
   * the request is deterministic (temperature 0); left out of the encoding when false.
   */
  @JsonTypeName("prompt")
  record Prompt(
      String conversationId,
      String clientMsgId,
      String text,
      List<ContextRef> context,
      String traceparent,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean cache)
      implements Frame {

    /** A prompt that starts no trace of its own. */
    public Prompt(
        String conversationId, String clientMsgId, String text, List<ContextRef> context) {
      this(conversationId, clientMsgId, text, context, null, false);
    }

    /** A prompt without the answer cache. */
    public Prompt(
        String conversationId,
        String clientMsgId,
        String text,
        List<ContextRef> context,
        String traceparent) {
      this(conversationId, clientMsgId, text, context, traceparent, false);
    }

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
      return checkContext(context);
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

  /**
   * Token counts of a finished turn; {@code cached} when the answer was replayed from the answer
   * cache (the counts are then those of the model call that made it), left out when false.
   */
  record Usage(
      int inputTokens,
      int outputTokens,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean cached) {

    /** The usage of a model call. */
    public Usage(int inputTokens, int outputTokens) {
      this(inputTokens, outputTokens, false);
    }
  }

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

  /**
   * The context list may be absent; each entry present names a workspace and a path in it that
   * could be a file. Whether the file exists and the user may read it is checked where it is read.
   */
  private static Optional<String> checkContext(List<ContextRef> context) {
    if (context == null) {
      return Optional.empty();
    }
    if (context.size() > Limits.MAX_CONTEXT_FILES) {
      return Optional.of("at most " + Limits.MAX_CONTEXT_FILES + " context files");
    }
    for (int i = 0; i < context.size(); i++) {
      ContextRef ref = context.get(i);
      String at = "context[" + i + "]";
      if (ref == null || ref.path() == null || ref.workspaceId() == null) {
        return Optional.of(at + " needs a path and a workspaceId");
      }
      if (!FieldChecks.isWorkspaceId(ref.workspaceId())) {
        return Optional.of(at + ".workspaceId is not a workspace id");
      }
      if (!FieldChecks.isRelativePath(ref.path())) {
        return Optional.of(
            at
                + ".path must be a file path relative to the workspace, at most "
                + Limits.MAX_PATH_CHARS
                + " characters, without a leading '/', empty, '.' or '..' segments,"
                + " backslashes or control characters");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkConversationId(String id) {
    return isUuid(id) ? Optional.empty() : Optional.of("conversationId must be a UUID");
  }

  /**
   * Whether {@code s} is a UUID in its canonical (lower-case) form: ids become Redis keys, and one
   * id spelled two ways must not name two conversations.
   */
  static boolean isUuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    try {
      return UUID.fromString(s).toString().equals(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
