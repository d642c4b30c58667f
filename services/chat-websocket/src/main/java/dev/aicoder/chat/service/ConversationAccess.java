package dev.aicoder.chat.service;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.chat.Session;
import dev.aicoder.chat.stream.TurnTailer;
import dev.aicoder.common.Resources;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who may watch a conversation: its owner and the members of the team it is shared with (both
 * written by the gateway), nobody once it is deleted. Checked at join and resume, again for the
 * other viewers when a turn starts, and for every watcher of this instance each {@code
 * access-check}, so access lost after a join ends within that time. Events themselves are never
 * checked: the cost per token stays the same.
 */
@ApplicationScoped
public class ConversationAccess {

  private static final String SCRIPT = Resources.text("/lua/conversation-access.lua");

  /** Pairs per script call: keeps one call short however many connections an instance has. */
  private static final int CHUNK = 500;

  /** A user's standing towards a conversation. */
  public enum Access {
    OWNER,
    /** A member of the team it is shared with. */
    MEMBER,
    /** No such conversation yet: it is its first prompt's author's. */
    NEW,
    DELETED,
    NONE;

    /** Whether the user may watch what exists of it. */
    public boolean canWatch() {
      return this == OWNER || this == MEMBER;
    }
  }

  /** One user watching one conversation. */
  record Watch(String conversationId, String userId) {}

  private final RedisDataSource redis;
  private final Viewers viewers;
  private final TurnTailer tailer;

  ConversationAccess(RedisDataSource redis, Viewers viewers, TurnTailer tailer) {
    this.redis = redis;
    this.viewers = viewers;
    this.tailer = tailer;
  }

  public Access of(String userId, String conversationId) {
    return of(List.of(new Watch(conversationId, userId))).get(new Watch(conversationId, userId));
  }

  /**
   * Checks the viewers of a conversation here other than the author of the turn about to start, so
   * nobody who lost access (or joined it before it was claimed) sees the turn.
   */
  public void recheckViewers(String conversationId, String authorId) {
    Map<Watch, List<Session>> watching = new HashMap<>();
    for (Session session : viewers.of(conversationId)) {
      if (!session.userId().equals(authorId)) {
        watching
            .computeIfAbsent(new Watch(conversationId, session.userId()), w -> new ArrayList<>())
            .add(session);
      }
    }
    revokeLost(watching, false);
  }

  /** Checks everything the given sessions watch or follow; drops what they may no longer see. */
  public void recheck(Collection<Session> sessions) {
    Map<Watch, List<Session>> joined = new HashMap<>();
    Map<Watch, List<Session>> resumed = new HashMap<>();
    for (Session session : sessions) {
      for (String conversationId : session.conversations()) {
        joined
            .computeIfAbsent(new Watch(conversationId, session.userId()), w -> new ArrayList<>())
            .add(session);
      }
      for (String conversationId : session.resumed()) {
        resumed
            .computeIfAbsent(new Watch(conversationId, session.userId()), w -> new ArrayList<>())
            .add(session);
      }
    }
    revokeLost(joined, true);
    revokeLost(resumed, false);
  }

  /**
   * Revokes each watch whose user may no longer see the conversation. A viewer of a conversation
   * that does not exist yet ({@code newIsFine}) waits for its first prompt; a turn being followed
   * belongs to a conversation that exists, or existed.
   */
  private void revokeLost(Map<Watch, List<Session>> watching, boolean newIsFine) {
    if (watching.isEmpty()) {
      return;
    }
    Map<Watch, Access> access = of(watching.keySet());
    watching.forEach(
        (watch, sessions) -> {
          Access now = access.get(watch);
          if (!now.canWatch() && !(newIsFine && now == Access.NEW)) {
            sessions.forEach(s -> revoke(s, watch.conversationId(), now));
          }
        });
  }

  private void revoke(Session session, String conversationId, Access access) {
    Log.debugf("%s lost access to %s (%s)", session.userId(), conversationId, access);
    boolean watched = session.conversations().contains(conversationId);
    boolean followed = session.resumed().remove(conversationId);
    viewers.leave(session, conversationId);
    if (followed) {
      tailer.drop(session, conversationId);
    }
    if ((watched || followed)
        && !(access == Access.DELETED && deletedBy(session, conversationId))) {
      session.send(
          access == Access.DELETED
              ? Frame.Error.frame(
                  ErrorCode.NOT_FOUND, "Conversation " + conversationId + " was deleted.")
              : Frame.Error.frame(
                  ErrorCode.FORBIDDEN,
                  "Conversation " + conversationId + " is no longer shared with you."));
    }
  }

  /** Whether the session's own user deleted the conversation: nothing to tell them then. */
  private boolean deletedBy(Session session, String conversationId) {
    return session
        .userId()
        .equals(redis.value(String.class).get(Keys.deletedConversation(conversationId)));
  }

  /** The access of each watch, in as few round trips as the chunking allows. */
  Map<Watch, Access> of(Collection<Watch> watches) {
    List<Watch> all = List.copyOf(new LinkedHashSet<>(watches));
    Map<Watch, Access> result = new HashMap<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<Watch> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      List<String> args = new ArrayList<>(List.of(SCRIPT, Integer.toString(2 * chunk.size())));
      for (Watch w : chunk) {
        args.add(Keys.conversation(w.conversationId()));
        args.add(Keys.deletedConversation(w.conversationId()));
      }
      args.add(AuthKeys.teamMembers("{team}"));
      chunk.forEach(w -> args.add(w.userId()));
      Response reply = redis.execute("EVAL", args.toArray(String[]::new));
      for (int i = 0; i < chunk.size(); i++) {
        result.put(
            chunk.get(i),
            Access.valueOf(reply.get(i).toString().toUpperCase(java.util.Locale.ROOT)));
      }
    }
    return result;
  }
}
