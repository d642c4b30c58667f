package dev.aicoder.ai.service;

import dev.aicoder.common.Resources;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a conversation's recent messages for the prompt and appends the assistant's answer when a
 * turn ends. ai-streaming is the only writer of assistant messages. Blocking: call it from worker
 * threads.
 */
@ApplicationScoped
public class ConversationHistory {

  /** The most messages read to build a prompt; the character budget usually stops earlier. */
  public static final int MAX_READ = 200;

  private static final String APPEND_ANSWER = Resources.text("/lua/append-answer.lua");

  private final RedisDataSource redis;

  ConversationHistory(RedisDataSource redis) {
    this.redis = redis;
  }

  /**
   * The newest of {@code raw} (stored messages, oldest first) that fit in {@code budgetChars},
   * oldest first, without the message of the turn being answered.
   */
  public static List<ChatMessage> recent(List<String> raw, String turnId, int budgetChars) {
    List<ChatMessage> kept = new ArrayList<>();
    int used = 0;
    for (int i = raw.size() - 1; i >= 0; i--) {
      ChatMessage message = readable(raw.get(i));
      if (message == null || turnId.equals(message.turnId()) || message.text() == null) {
        continue;
      }
      used += message.text().length();
      if (used > budgetChars) {
        break;
      }
      kept.add(0, message);
    }
    return kept;
  }

  /** A stored message, or null for one that cannot be read: it is left out of the prompt. */
  private static ChatMessage readable(String json) {
    try {
      return json == null ? null : ChatMessage.fromJson(json);
    } catch (IllegalArgumentException e) {
      Log.warnf("Leaving an unreadable stored message out of the prompt: %s", e.getMessage());
      return null;
    }
  }

  /**
   * Appends the assistant's answer and keeps the conversation within its bound, unless the
   * conversation was deleted while the answer was generated.
   */
  public void appendAnswer(String conversationId, ChatMessage answer) {
    var stored =
        redis.execute(
            "EVAL",
            APPEND_ANSWER,
            "3",
            Keys.deletedConversation(conversationId),
            Keys.messages(conversationId),
            Keys.conversation(conversationId),
            answer.toJson(),
            Integer.toString(ChatMessage.MAX_PER_CONVERSATION),
            Long.toString(answer.createdAtMs()));
    if (stored.toInteger() == 0) {
      Log.infof("Conversation %s was deleted; its last answer is not stored", conversationId);
    }
  }
}
