package dev.aicoder.chat.service;

import dev.aicoder.chat.Session;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which connections of this instance watch which conversation. */
@ApplicationScoped
public class Viewers {

  private final Map<String, Set<Session>> byConversation = new ConcurrentHashMap<>();

  public void join(Session session, String conversationId) {
    session.conversations().add(conversationId);
    byConversation.computeIfAbsent(conversationId, c -> ConcurrentHashMap.newKeySet()).add(session);
  }

  /** Stops this session watching a conversation. */
  public void leave(Session session, String conversationId) {
    session.conversations().remove(conversationId);
    byConversation.computeIfPresent(
        conversationId,
        (c, sessions) -> {
          sessions.remove(session);
          return sessions.isEmpty() ? null : sessions;
        });
  }

  public Set<Session> of(String conversationId) {
    return byConversation.getOrDefault(conversationId, Set.of());
  }

  public void leaveAll(Session session) {
    for (String conversationId : session.conversations()) {
      byConversation.computeIfPresent(
          conversationId,
          (c, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
          });
    }
  }
}
