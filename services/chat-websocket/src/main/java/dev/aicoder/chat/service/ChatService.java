package dev.aicoder.chat.service;

import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.stream.TurnTailer;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/**
 * What the client frames do: join a conversation, turn a prompt into exactly one turn, resume,
 * cancel. Blocking (Redis): runs on worker threads.
 */
@ApplicationScoped
public class ChatService {

  /** Bound of the request stream; far above any backlog a healthy deployment has. */
  private static final long MAX_REQUESTS = 100_000;

  private final RedisDataSource redis;
  private final Viewers viewers;
  private final TurnTailer tailer;
  private final ChatConfig config;

  private final Tracer tracer;

  ChatService(
      RedisDataSource redis, Viewers viewers, TurnTailer tailer, ChatConfig config, Tracer tracer) {
    this.tracer = tracer;
    this.redis = redis;
    this.viewers = viewers;
    this.tailer = tailer;
    this.config = config;
  }

  /** A refusal with an {@link ErrorCode}, answered as an error frame. */
  public static class Refused extends RuntimeException {
    public final String code;

    public Refused(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  public void join(Session session, String conversationId) {
    claimOrCheckOwner(session.userId(), conversationId);
    viewers.join(session, conversationId);
  }

  /** Accepts a prompt; a repeated clientMsgId answers with the turn it already made. */
  public Frame.Accepted prompt(Session session, Frame.Prompt prompt) {
    Span span = tracer.spanBuilder("chat prompt").setSpanKind(SpanKind.PRODUCER).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Frame.Accepted accepted = accept(session, prompt);
      span.setAttribute("aicoder.turn.id", accepted.turnId());
      return accepted;
    } finally {
      span.end();
    }
  }

  private Frame.Accepted accept(Session session, Frame.Prompt prompt) {
    join(session, prompt.conversationId());
    String turnId = UUID.randomUUID().toString();
    String dedupeKey = Keys.clientMessage(prompt.conversationId(), prompt.clientMsgId());
    String existing =
        redis
            .value(String.class)
            .setGet(dedupeKey, turnId, new SetArgs().nx().ex(config.dedupeWindow()));
    if (existing != null) {
      return new Frame.Accepted(prompt.clientMsgId(), existing, prompt.conversationId(), false);
    }
    try {
      limitPrompts(session.userId());
    } catch (Refused e) {
      redis.key().del(dedupeKey); // a retry after the wait must make the turn, not find a ghost
      throw e;
    }
    long now = System.currentTimeMillis();
    String messages = Keys.messages(prompt.conversationId());
    redis
        .list(String.class)
        .rpush(
            messages,
            new ChatMessage(prompt.clientMsgId(), turnId, "user", prompt.text(), null, now)
                .toJson());
    redis.list(String.class).ltrim(messages, -ChatMessage.MAX_PER_CONVERSATION, -1);
    redis
        .hash(String.class)
        .hset(Keys.conversation(prompt.conversationId()), "updatedAt", Long.toString(now));
    redis
        .sortedSet(String.class)
        .zadd(Keys.userConversations(session.userId()), now, prompt.conversationId());
    tailer.follow(turnId, prompt.conversationId());
    TurnRequest request =
        new TurnRequest(
            turnId,
            prompt.conversationId(),
            session.userId(),
            prompt.text(),
            prompt.context(),
            traceparent(),
            now);
    redis.stream(String.class)
        .xadd(
            Keys.REQUESTS,
            new XAddArgs().maxlen(MAX_REQUESTS).nearlyExactTrimming(),
            Map.of(TurnRequest.FIELD, request.toJson()));
    return new Frame.Accepted(prompt.clientMsgId(), turnId, prompt.conversationId(), !workerFree());
  }

  public void resume(Session session, Frame.Resume resume) {
    tailer.resume(session, resume.turnId(), resume.lastSeq());
  }

  /** Marks the turn cancelled; whichever worker runs it sees the mark and aborts the model call. */
  public void cancel(Session session, Frame.Cancel cancel) {
    redis.value(String.class).setex(Keys.cancelled(cancel.turnId()), 3600, session.userId());
  }

  private void claimOrCheckOwner(String userId, String conversationId) {
    String key = Keys.conversation(conversationId);
    var hash = redis.hash(String.class);
    if (hash.hsetnx(key, "owner", userId)) {
      hash.hset(key, "createdAt", Long.toString(System.currentTimeMillis()));
      return;
    }
    if (!userId.equals(hash.hget(key, "owner"))) {
      throw new Refused(ErrorCode.FORBIDDEN, "This conversation belongs to someone else.");
    }
  }

  /** A fixed one-minute window per user, in Redis so it holds across instances. */
  private void limitPrompts(String userId) {
    String key = "aicoder:rl:prompt:" + userId + ":" + (System.currentTimeMillis() / 60_000);
    long count = redis.value(Long.class).incr(key);
    if (count == 1) {
      redis.key().expire(key, 120);
    }
    if (count > config.promptsPerMinute()) {
      throw new Refused(
          ErrorCode.RATE_LIMITED,
          "Too many prompts: at most "
              + config.promptsPerMinute()
              + " a minute. Wait a moment and try again.");
    }
  }

  /** Whether some live ai-streaming instance has a free slot (heartbeats under 10 s old). */
  private boolean workerFree() {
    long now = System.currentTimeMillis();
    for (String value : redis.hash(String.class).hgetall(Keys.WORKERS).values()) {
      String[] parts = value.split(":");
      if (parts.length == 2
          && now - Long.parseLong(parts[1]) < 10_000
          && Integer.parseInt(parts[0]) > 0) {
        return true;
      }
    }
    return false;
  }

  private static String traceparent() {
    var context = Span.current().getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }
}
