package dev.aicoder.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message of a conversation as stored in {@link Keys#messages}: the user's prompt, or the
 * assistant's answer once its turn ended.
 *
 * @param role {@code user} or {@code assistant}
 * @param status for an assistant message: {@code done}, {@code cancelled} or {@code error}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(
    String id, String turnId, String role, String text, String status, long createdAtMs) {

  /** The most messages one conversation keeps; older ones are trimmed. */
  public static final int MAX_PER_CONVERSATION = 10_000;

  public String toJson() {
    return FrameCodec.toJson(this);
  }

  public static ChatMessage fromJson(String json) {
    try {
      return FrameCodec.json().readValue(json, ChatMessage.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Unreadable chat message: " + e.getMessage(), e);
    }
  }
}
