package dev.aicoder.gateway.service;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.Conversation;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.security.Caller;
import dev.aicoder.gateway.security.SecurityCounters;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The chat history that chat-websocket and ai-streaming write: listed, paged, renamed, shared with
 * a team and deleted here. Only the owner, or a member of the team it is shared with, may read one;
 * only the owner may change or delete it. Others get the 404 of a conversation that does not exist.
 */
@ApplicationScoped
public class ConversationStore {

  /** Reads the page [start, end) of a conversation's messages by stable index, in one step. */
  private static final String PAGE =
      """
      local len = redis.call('LLEN', KEYS[2])
      local appended = tonumber(redis.call('HGET', KEYS[1], 'appended') or len)
      local first = appended - len
      local before = tonumber(ARGV[1])
      if before < 0 or before > appended then before = appended end
      local start = math.max(first, before - tonumber(ARGV[2]))
      if before <= start then return {first, start} end
      local page = redis.call('LRANGE', KEYS[2], start - first, before - first - 1)
      table.insert(page, 1, start)
      table.insert(page, 1, first)
      return page
      """;

  private final RedisDataSource redis;
  private final HashCommands<String, String, String> hashes;
  private final AccountStore accounts;
  private final SecurityCounters counters;

  ConversationStore(RedisDataSource redis, AccountStore accounts, SecurityCounters counters) {
    this.redis = redis;
    this.hashes = redis.hash(String.class);
    this.accounts = accounts;
    this.counters = counters;
  }

  /**
   * The caller's conversations and those shared with the caller's teams, most recent first (own
   * ones by last activity, shared ones by when they were shared), {@code before} that time.
   */
  public List<Conversation> list(Caller caller, long before, int limit) {
    List<String> sources = new ArrayList<>(List.of(Keys.userConversations(caller.user())));
    accounts.teamIdsOf(caller.user()).forEach(t -> sources.add(GatewayKeys.teamConversations(t)));
    Map<String, Double> newest = new HashMap<>();
    for (String source : sources) {
      var page =
          redis.execute(
              "ZREVRANGEBYSCORE",
              source,
              "(" + before,
              "-inf",
              "WITHSCORES",
              "LIMIT",
              "0",
              Integer.toString(limit));
      // RESP3 answers [member, score] pairs; RESP2 a flat member, score, member, score list.
      boolean pairs = page.size() > 0 && page.get(0).type() == ResponseType.MULTI;
      for (int i = 0; i < page.size(); i += pairs ? 1 : 2) {
        var member = pairs ? page.get(i).get(0) : page.get(i);
        var score = pairs ? page.get(i).get(1) : page.get(i + 1);
        newest.merge(member.toString(), score.toDouble(), Math::max);
      }
    }
    List<String> ids = new ArrayList<>(newest.keySet());
    ids.sort(Comparator.comparing(newest::get).reversed());
    List<Conversation> result = new ArrayList<>();
    for (String id : ids) {
      Map<String, String> fields = hashes.hgetall(Keys.conversation(id));
      if (canRead(caller, fields) && result.size() < limit) { // stale team entries are skipped
        result.add(toConversation(id, fields));
      }
    }
    return result;
  }

  /** A page of messages, newest first, and the cursor of the next (older) page or null. */
  public MessagePage messages(Caller caller, String id, long before, int limit) {
    readable(caller, id);
    List<String> reply = new ArrayList<>();
    redis
        .execute(
            "EVAL",
            PAGE,
            "2",
            Keys.conversation(id),
            Keys.messages(id),
            Long.toString(before),
            Integer.toString(limit))
        .forEach(item -> reply.add(item.toString()));
    long first = Long.parseLong(reply.get(0));
    long start = Long.parseLong(reply.get(1));
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = reply.size() - 1; i >= 2; i--) {
      messages.add(ChatMessage.fromJson(reply.get(i)));
    }
    return new MessagePage(messages, start > first ? Long.toString(start) : null);
  }

  /** Messages newest first, and where the older ones start. */
  @RegisterForReflection
  public record MessagePage(List<ChatMessage> messages, String nextCursor) {}

  /** Renames and/or shares (teamId) or unshares ("" as teamId) a conversation; owner only. */
  public Conversation update(Caller caller, String id, String title, String teamId) {
    Map<String, String> fields = owned(caller, id);
    if (title != null) {
      hashes.hset(Keys.conversation(id), "title", title(title));
    }
    String sharedWith = fields.get("team");
    var sorted = redis.sortedSet(String.class);
    if (teamId != null && !teamId.isEmpty()) {
      if (!accounts.isMember(Names.id(teamId, "team"), caller.user())) {
        throw new ProblemException(
            403, "forbidden", "Forbidden", "You can only share with a team you belong to.");
      }
      hashes.hset(Keys.conversation(id), "team", teamId);
      sorted.zadd(GatewayKeys.teamConversations(teamId), System.currentTimeMillis(), id);
    } else if (teamId != null) {
      hashes.hdel(Keys.conversation(id), "team");
    }
    if (teamId != null && sharedWith != null && !sharedWith.equals(teamId)) {
      sorted.zrem(GatewayKeys.teamConversations(sharedWith), id);
    }
    return toConversation(id, hashes.hgetall(Keys.conversation(id)));
  }

  /**
   * Deletes a conversation and its messages; owner only. The tombstone comes first: from then on
   * chat-websocket refuses the id to everyone and drops the viewers it still has.
   */
  public void delete(Caller caller, String id) {
    String team = owned(caller, id).get("team");
    redis
        .value(String.class)
        .setex(Keys.deletedConversation(id), Keys.DELETED_CONVERSATION_TTL_SECONDS, caller.user());
    if (team != null) {
      redis.sortedSet(String.class).zrem(GatewayKeys.teamConversations(team), id);
    }
    redis.key().del(Keys.conversation(id), Keys.messages(id));
    redis.sortedSet(String.class).zrem(Keys.userConversations(caller.user()), id);
  }

  private Map<String, String> readable(Caller caller, String id) {
    Map<String, String> fields = hashes.hgetall(Keys.conversation(checkId(id)));
    if (!canRead(caller, fields)) {
      throw notFound(fields, id);
    }
    return fields;
  }

  /** The owner, or a member of the team it is shared with. */
  private boolean canRead(Caller caller, Map<String, String> fields) {
    String team = fields.get("team");
    return caller.user().equals(fields.get("owner"))
        || (team != null && accounts.isMember(team, caller.user()));
  }

  private Map<String, String> owned(Caller caller, String id) {
    Map<String, String> fields = hashes.hgetall(Keys.conversation(checkId(id)));
    if (!caller.user().equals(fields.get("owner"))) {
      throw notFound(fields, id);
    }
    return fields;
  }

  private ProblemException notFound(Map<String, String> fields, String id) {
    if (!fields.isEmpty()) {
      counters.count(Reason.FORBIDDEN);
    }
    return new ProblemException(
        404,
        "conversation-not-found",
        "Not Found",
        "No conversation " + id + " that you can open.");
  }

  /**
   * A title as a user renames it: a display name, and no bidi control either (a title like the one
   * chat-websocket derives from a first prompt, which drops them): a list of titles must not be
   * reordered by one of them.
   */
  private static String title(String title) {
    if (title != null
        && title.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT)) {
      throw new BadRequestException(
          "A conversation title cannot hold invisible formatting characters.");
    }
    return Names.displayName(title, "conversation");
  }

  private static String checkId(String id) {
    try {
      if (id != null && UUID.fromString(id).toString().equalsIgnoreCase(id)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw new BadRequestException("A conversation id is a UUID.");
  }

  private static Conversation toConversation(String id, Map<String, String> f) {
    return new Conversation(
        id,
        f.getOrDefault("title", ""),
        f.get("owner"),
        f.get("team"),
        Long.parseLong(f.getOrDefault("createdAt", "0")),
        Long.parseLong(f.getOrDefault("updatedAt", f.getOrDefault("createdAt", "0"))));
  }
}
