package dev.aicoder.chat.service;

import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.stream.TurnAnnouncements;
import dev.aicoder.chat.stream.TurnTailer;
import dev.aicoder.common.Resources;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.List;
import java.util.UUID;

/**
 * What the client frames do: join a conversation, turn a prompt into exactly one turn, resume,
 * cancel. Blocking (Redis): runs on worker threads.
 */
@ApplicationScoped
public class ChatService {

  /**
   * The prompt's checks and writes as one atomic script: one round trip instead of a dozen, which
   * under a burst of prompts is most of the time a prompt takes to accept.
   */
  private static final String ACCEPT_PROMPT = Resources.text("/lua/accept-prompt.lua");

  /** Bound of the request stream; far above any backlog a healthy deployment has. */
  private static final long MAX_REQUESTS = 100_000;

  private final RedisDataSource redis;
  private final Viewers viewers;
  private final TurnTailer tailer;
  private final ConversationAccess access;
  private final ChatConfig config;

  private final Tracer tracer;
  private final Timer promptTimer;

  ChatService(
      RedisDataSource redis,
      Viewers viewers,
      TurnTailer tailer,
      ConversationAccess access,
      ChatConfig config,
      Tracer tracer,
      MeterRegistry metrics) {
    this.tracer = tracer;
    this.promptTimer =
        Timer.builder("aicoder.chat.prompt")
            .description("Accepting a prompt: checks, storing it, queueing its turn")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
    this.redis = redis;
    this.viewers = viewers;
    this.tailer = tailer;
    this.access = access;
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

  /**
   * Watches a conversation: the user's own, one shared with a team the user belongs to, or one that
   * does not exist yet. Joining writes nothing: a new conversation is claimed by its first prompt,
   * and viewers of other users are dropped when that turn starts. Teammates watch; only the owner
   * prompts.
   */
  public void join(Session session, String conversationId) {
    switch (access.of(session.userId(), conversationId)) {
      case OWNER, MEMBER, NEW -> watch(session, conversationId);
      case DELETED -> throw deleted(conversationId);
      case NONE -> throw forbidden();
    }
  }

  /** Makes the session a viewer; this instance then follows every new turn of it. */
  private void watch(Session session, String conversationId) {
    viewers.join(session, conversationId);
  }

  /**
   * A turn of a watched conversation accepted by another instance: its viewers here are checked as
   * the accepting instance checks its own, then get it live.
   */
  void announced(@ObservesAsync TurnAnnouncements.TurnAnnounced turn) {
    if (!viewers.of(turn.conversationId()).isEmpty()) {
      access.recheckViewers(turn.conversationId(), turn.authorId());
      tailer.follow(turn.turnId(), turn.conversationId());
    }
  }

  /**
   * Accepts a prompt and sends {@code accepted}, then follows its turn, so no event of it can reach
   * the client first. A repeated clientMsgId answers with the turn it already made and replays that
   * turn to this client (a retry, perhaps on another instance, must not miss it).
   */
  public void prompt(Session session, Frame.Prompt prompt) {
    Span span =
        tracer
            .spanBuilder("chat prompt")
            .setParent(parent(prompt))
            .setSpanKind(SpanKind.PRODUCER)
            .startSpan();
    Timer.Sample sample = Timer.start();
    try (Scope ignored = span.makeCurrent()) {
      Accepted outcome = accept(session, prompt);
      Frame.Accepted accepted = outcome.frame();
      span.setAttribute("aicoder.turn.id", accepted.turnId());
      session.send(accepted);
      if (outcome.existing()) {
        replay(session, accepted.turnId(), accepted.conversationId(), 0);
      } else {
        tailer.follow(accepted.turnId(), accepted.conversationId());
      }
    } finally {
      sample.stop(promptTimer);
      span.end();
    }
  }

  private record Accepted(Frame.Accepted frame, boolean existing) {}

  private Accepted accept(Session session, Frame.Prompt prompt) {
    String turnId = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    String conversationId = prompt.conversationId();
    ChatMessage message =
        new ChatMessage(prompt.clientMsgId(), turnId, "user", prompt.text(), null, now);
    TurnRequest request =
        new TurnRequest(
            turnId,
            conversationId,
            session.userId(),
            prompt.text(),
            prompt.context(),
            traceparent(),
            now,
            prompt.cache());
    Response result =
        redis.execute(
            "EVAL",
            ACCEPT_PROMPT,
            "11",
            Keys.conversation(conversationId),
            Keys.clientMessage(conversationId, prompt.clientMsgId()),
            Keys.promptRate(session.userId(), now / 60_000),
            Keys.messages(conversationId),
            Keys.userConversations(session.userId()),
            Keys.REQUESTS,
            Keys.WORKERS,
            Keys.turnOwner(turnId),
            Keys.deletedConversation(conversationId),
            Keys.turn(turnId),
            Keys.ANNOUNCED,
            session.userId(),
            turnId,
            Long.toString(config.dedupeWindow().toSeconds()),
            Integer.toString(config.promptsPerMinute()),
            Long.toString(now),
            message.toJson(),
            request.toJson(),
            Integer.toString(ChatMessage.MAX_PER_CONVERSATION),
            Long.toString(MAX_REQUESTS),
            conversationId,
            TurnAnnouncements.INSTANCE,
            ConversationTitle.fromPrompt(prompt.text()),
            Integer.toString(Keys.ANNOUNCED_MAXLEN));
    switch (result.get(0).toString()) {
      case "deleted" -> throw deleted(conversationId);
      case "forbidden" -> throw forbidden();
      case "existing" -> {
        watch(session, conversationId);
        return new Accepted(
            new Frame.Accepted(
                prompt.clientMsgId(), result.get(1).toString(), conversationId, false),
            true);
      }
      case "limited" ->
          throw new Refused(
              ErrorCode.RATE_LIMITED,
              "Too many prompts: at most "
                  + config.promptsPerMinute()
                  + " a minute. Wait a moment and try again.");
      default -> {
        // Only now: the script checked the owner, and a refused prompt must not make a viewer.
        watch(session, conversationId);
        // Before the turn is followed: others who joined before the claim, or lost access since.
        access.recheckViewers(conversationId, session.userId());
        boolean queued = !"1".equals(result.get(1).toString());
        return new Accepted(
            new Frame.Accepted(prompt.clientMsgId(), turnId, conversationId, queued), false);
      }
    }
  }

  /**
   * Replays a turn to whoever may watch its conversation now: the owner, or a member of the team it
   * is shared with. Not to someone who lost access, nor for a deleted conversation.
   */
  public void resume(Session session, Frame.Resume resume) {
    String[] owner = turnOwner(resume.turnId());
    if (owner.length < 2) {
      throw notYours();
    }
    String conversationId = owner[1];
    switch (access.of(session.userId(), conversationId)) {
      case OWNER, MEMBER -> replay(session, resume.turnId(), conversationId, resume.lastSeq());
      case DELETED -> throw deleted(conversationId);
      default -> throw notYours();
    }
  }

  /** Replays a turn after {@code lastSeq}, then its live tail; says so if it expired. */
  private void replay(Session session, String turnId, String conversationId, long lastSeq) {
    session.resumed().add(conversationId);
    if (!tailer.resume(session, turnId, conversationId, lastSeq)) {
      session.send(
          new Frame.Error(
              turnId,
              0,
              ErrorCode.NOT_FOUND,
              "This answer is no longer kept for replay; reload the conversation to see it."));
    }
  }

  /** Marks the turn cancelled; whichever worker runs it sees the mark and aborts the model call. */
  public void cancel(Session session, Frame.Cancel cancel) {
    if (!session.userId().equals(turnOwner(cancel.turnId())[0])) {
      throw notYours(); // only who started a turn may stop it (their other tabs included)
    }
    redis.value(String.class).setex(Keys.cancelled(cancel.turnId()), 3600, session.userId());
  }

  /** Who started the turn and in which conversation; empty once the record expired. */
  private String[] turnOwner(String turnId) {
    String value = redis.value(String.class).get(Keys.turnOwner(turnId));
    return value == null ? new String[] {""} : value.split(" ", 2);
  }

  private static Refused notYours() {
    return new Refused(
        ErrorCode.FORBIDDEN, "This answer belongs to someone else, or it has expired.");
  }

  private static Refused forbidden() {
    return new Refused(ErrorCode.FORBIDDEN, "This conversation belongs to someone else.");
  }

  private static Refused deleted(String conversationId) {
    return new Refused(
        ErrorCode.NOT_FOUND,
        "Conversation " + conversationId + " was deleted; start a new conversation.");
  }

  /**
   * The trace a prompt continues: the one its frame names (the gateway's proxy hop, or a client
   * that traces), else whatever is current.
   */
  private static Context parent(Frame.Prompt prompt) {
    if (prompt.traceparent() == null) {
      return Context.current();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.current(), prompt.traceparent(), TraceparentGetter.INSTANCE);
  }

  /** Reads a lone {@code traceparent} value as the propagator's carrier. */
  private enum TraceparentGetter implements TextMapGetter<String> {
    INSTANCE;

    @Override
    public Iterable<String> keys(String carrier) {
      return List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return "traceparent".equals(key) ? carrier : null;
    }
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
