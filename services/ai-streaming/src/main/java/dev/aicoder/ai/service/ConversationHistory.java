package dev.aicoder.ai.service;

import dev.aicoder.common.Resources;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
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
    append(conversationId, answer, List.of(), List.of());
  }

  /**
   * Appends the answer as {@link #appendAnswer} does and, in the same call, ends its turn:
   * acknowledges the turn's request ({@code entryId}, unless null) and keeps its stream for {@code
   * retention}.
   */
  public void appendAnswerAndEnd(
      String conversationId, ChatMessage answer, String entryId, Duration retention) {
    append(
        conversationId,
        answer,
        List.of(Keys.REQUESTS, Keys.turn(answer.turnId())),
        List.of(Keys.GROUP, entryId == null ? "" : entryId, Long.toString(retention.toSeconds())));
  }

  private void append(
      String conversationId, ChatMessage answer, List<String> moreKeys, List<String> moreArgs) {
    List<String> args = new ArrayList<>();
    args.add(APPEND_ANSWER);
    args.add(Integer.toString(3 + moreKeys.size()));
    args.add(Keys.deletedConversation(conversationId));
    args.add(Keys.messages(conversationId));
    args.add(Keys.conversation(conversationId));
    args.addAll(moreKeys);
    args.add(answer.toJson());
    args.add(Integer.toString(ChatMessage.MAX_PER_CONVERSATION));
    args.add(Long.toString(answer.createdAtMs()));
    args.addAll(moreArgs);
    var stored = redis.execute("EVAL", args.toArray(String[]::new));
    if (stored.toInteger() == 0) {
      Log.infof("Conversation %s was deleted; its last answer is not stored", conversationId);
    }
  }
}
