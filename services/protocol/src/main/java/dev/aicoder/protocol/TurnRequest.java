package dev.aicoder.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One entry of {@link Keys#REQUESTS}: a prompt chat-websocket accepted and ai-streaming must
 * answer.
 *
 * @param traceparent the W3C trace context of the request, so the worker's spans join its trace
 * @param acceptedAtMs when chat-websocket accepted it, for the queue part of time to first token
 * @param cache the prompt allowed the answer cache ({@link Frame.Prompt#cache()})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnRequest(
    String turnId,
    String conversationId,
    String userId,
    String text,
    List<Frame.ContextRef> context,
    String traceparent,
    long acceptedAtMs,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean cache) {

  /** A request without the answer cache. */
  public TurnRequest(
      String turnId,
      String conversationId,
      String userId,
      String text,
      List<Frame.ContextRef> context,
      String traceparent,
      long acceptedAtMs) {
    this(turnId, conversationId, userId, text, context, traceparent, acceptedAtMs, false);
  }

  /** The single field of the stream entry; its value is this record as JSON. */
  public static final String FIELD = "request";

  public String toJson() {
    return FrameCodec.toJson(this);
  }

  public static TurnRequest fromJson(String json) {
    try {
      return FrameCodec.json().readValue(json, TurnRequest.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Unreadable turn request: " + e.getMessage(), e);
    }
  }
}
