package dev.aicoder.ai.service;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Ends a turn that cannot run (an unreadable request, a start that keeps failing) with an error
 * event, and acknowledges its request, so the user hears why and the request is never retried
 * forever. Blocking: call it from worker threads.
 */
@ApplicationScoped
public class TurnRefusals {

  /** Tries at the next seq while other writers keep taking it; more means something is wrong. */
  private static final int WRITE_TRIES = 5;

  private final AiConfig config;
  private final RedisDataSource redis;
  private final StreamCommands<String, String, String> streams;
  private final ConversationHistory history;

  TurnRefusals(AiConfig config, RedisDataSource redis, ConversationHistory history) {
    this.config = config;
    this.redis = redis;
    this.streams = redis.stream(String.class);
    this.history = history;
  }

  /**
   * Writes the error event (unless the turn already ended) and acknowledges the request. The event
   * and the stored answer are best effort: a turn whose keys Redis refuses still has its request
   * acknowledged. Throws only when the acknowledgement fails (Redis unreachable), which leaves the
   * request to the next delivery.
   *
   * @param turnId null when the request names no turn: it is only acknowledged
   * @param conversationId null when unknown: no answer is stored
   */
  public void refuse(
      String entryId, String turnId, String conversationId, String code, String message) {
    if (turnId != null) {
      boolean written = false;
      try {
        written = endWith(turnId, code, message);
        redis.key().expire(Keys.turn(turnId), config.turnRetention());
      } catch (RuntimeException e) {
        Log.errorf(e, "Turn %s: could not write its error event (%s)", turnId, message);
      }
      if (written && conversationId != null) {
        storeAnswer(conversationId, turnId, message);
      }
    }
    streams.xack(Keys.REQUESTS, Keys.GROUP, entryId);
  }

  private void storeAnswer(String conversationId, String turnId, String message) {
    try {
      history.appendAnswer(
          conversationId,
          new ChatMessage(
              UUID.randomUUID().toString(),
              turnId,
              "assistant",
              message,
              "error",
              System.currentTimeMillis()));
    } catch (RuntimeException e) {
      Log.warnf(
          "Turn %s: could not store its error in the conversation: %s", turnId, e.getMessage());
    }
  }

  /** Appends the error at the turn's next seq; false if the turn had already ended. */
  private boolean endWith(String turnId, String code, String message) {
    String key = Keys.turn(turnId);
    for (int i = 0; i < WRITE_TRIES; i++) {
      List<StreamMessage<String, String, String>> newest =
          streams.xrevrange(key, StreamRange.of("+", "-"), 1);
      long seq = 0;
      if (!newest.isEmpty()) {
        if (isFinal(newest.get(0).payload().get(Keys.EVENT_FIELD))) {
          return false;
        }
        seq = Keys.seqOf(newest.get(0).id());
      }
      Frame.Error error = new Frame.Error(turnId, seq + 1, code, message);
      try {
        redis.execute("EVAL", TurnEvents.append(error));
        return true;
      } catch (RuntimeException e) {
        // Redis refuses an ID not above the last: another writer took this seq; read again.
        if (!String.valueOf(e.getMessage()).contains("equal or smaller")) {
          throw e;
        }
      }
    }
    throw new IllegalStateException("the turn's stream kept growing while its error was written");
  }

  /** Whether a stored event is a turn's last one. */
  static boolean isFinal(String eventJson) {
    try {
      Frame frame = FrameCodec.fromJson(eventJson);
      return frame instanceof Frame.TurnEvent e && e.isFinal();
    } catch (Exception e) {
      return false;
    }
  }
}
