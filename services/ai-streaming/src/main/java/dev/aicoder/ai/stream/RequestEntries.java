package dev.aicoder.ai.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Limits;
import dev.aicoder.protocol.TurnRequest;
import java.util.Map;

/** Reads an entry of the request stream, and says what is wrong with one that cannot be run. */
final class RequestEntries {

  /**
   * One entry, read.
   *
   * @param request the request to run; null when it cannot be run
   * @param turnId the turn to tell why not, when the entry names one
   * @param problem why it cannot be run; null when it can
   */
  record Read(TurnRequest request, String turnId, String problem) {}

  private RequestEntries() {}

  static Read read(Map<String, String> payload) {
    String json = payload == null ? null : payload.get(TurnRequest.FIELD);
    if (json == null) {
      return new Read(null, null, "it has no '" + TurnRequest.FIELD + "' field");
    }
    TurnRequest request;
    try {
      request = TurnRequest.fromJson(json);
    } catch (IllegalArgumentException e) {
      return new Read(null, turnIdOf(json), "it is not a valid request");
    }
    if (request == null || !validId(request.turnId())) {
      return new Read(null, null, "it names no valid turn");
    }
    String problem = null;
    if (!validId(request.conversationId())) {
      problem = "it names no valid conversation";
    } else if (request.text() == null) {
      problem = "it has no text";
    }
    return problem == null
        ? new Read(request, request.turnId(), null)
        : new Read(null, request.turnId(), problem);
  }

  /** The turn an unreadable request names, if its JSON gets that far, so the user hears of it. */
  private static String turnIdOf(String json) {
    try {
      JsonNode turnId = FrameCodec.json().readTree(json).path("turnId");
      return turnId.isTextual() && validId(turnId.asText()) ? turnId.asText() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static boolean validId(String id) {
    return id != null && !id.isBlank() && id.length() <= Limits.MAX_ID_LENGTH;
  }
}
