package dev.aicoder.ai.service;

import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.list.ListCommands;
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

  private final ListCommands<String, String> lists;
  private final RedisDataSource redis;

  ConversationHistory(RedisDataSource redis) {
    this.redis = redis;
    this.lists = redis.list(String.class);
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

  /** Appends the assistant's answer and keeps the conversation within its bound. */
  public void appendAnswer(String conversationId, ChatMessage answer) {
    String key = Keys.messages(conversationId);
    lists.rpush(key, answer.toJson());
    lists.ltrim(key, -ChatMessage.MAX_PER_CONVERSATION, -1);
    var hashes = redis.hash(String.class);
    String conversation = Keys.conversation(conversationId);
    hashes.hset(conversation, "updatedAt", Long.toString(answer.createdAtMs()));
    // Messages ever appended: with the list's length it gives each message a stable index.
    hashes.hincrby(conversation, "appended", 1);
  }
}
