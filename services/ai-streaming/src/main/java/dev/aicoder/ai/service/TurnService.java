package dev.aicoder.ai.service;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.model.ModelClient;
import dev.aicoder.common.Resources;
import dev.aicoder.common.SerialExecutor;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * Runs turns on this instance: decides how a request starts (fresh, restarted after a dead worker,
 * already finished, cancelled, no model), runs it, and when its final event is in Redis,
 * acknowledges the request and stores the answer.
 */
@ApplicationScoped
public class TurnService {

  private static final String TURN_START = Resources.text("/lua/turn-start.lua");

  private final AiConfig config;
  private final ModelClient model;
  private final StreamCommands<String, String, String> streams;
  private final RedisDataSource redis;
  private final Lanes lanes;
  private final ConversationHistory history;
  private final TurnMetrics metrics;
  private final TurnSpans spans;
  private final TurnRefusals refusals;
  private final PromptContext context;
  private final AnswerCache answers;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(r -> new Thread(r, "turn-worker"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "turn-timer"));
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** Requests handed to {@link #run} whose start has not been decided yet. */
  private final AtomicInteger starting = new AtomicInteger();

  private record Running(String entryId, Turn turn, Runnable release) {}

  TurnService(
      AiConfig config,
      ModelClient model,
      RedisDataSource redis,
      Lanes lanes,
      ConversationHistory history,
      TurnMetrics metrics,
      TurnSpans spans,
      TurnRefusals refusals,
      PromptContext context,
      AnswerCache answers) {
    this.answers = answers;
    this.spans = spans;
    this.context = context;
    this.refusals = refusals;
    this.config = config;
    this.model = model;
    this.redis = redis;
    this.lanes = lanes;
    this.streams = redis.stream(String.class);
    this.history = history;
    this.metrics = metrics;
  }

  /**
   * Starts a request read from the stream; {@code release} runs once the turn is over here.
   *
   * @param deliveries how many times the group has handed this request out, this time included
   */
  public void run(String entryId, TurnRequest request, int deliveries, Runnable release) {
    starting.incrementAndGet();
    workers.execute(
        () -> {
          try {
            start(entryId, request, deliveries, release);
          } finally {
            starting.decrementAndGet();
          }
        });
  }

  private void start(String entryId, TurnRequest request, int deliveries, Runnable release) {
    if (deliveries > config.maxAttempts()) {
      // Every earlier start died without ending the turn (a crash, or a start that throws).
      giveUp(
          entryId,
          request,
          ErrorCode.WORKER_FAILED,
          "The answer failed " + config.maxAttempts() + " times; please ask again.",
          release);
      return;
    }
    try {
      begin(entryId, request, deliveries, release);
    } catch (RuntimeException e) {
      Log.errorf(e, "Turn %s could not start (delivery %d)", request.turnId(), deliveries);
      Running r = running.remove(request.turnId());
      if (r != null) {
        metrics.active().decrementAndGet();
        r.turn().abandon();
      }
      if (deliveries < config.maxAttempts()) {
        // Not acknowledged: the group hands it out again after claimIdle, here or
        // elsewhere, since this instance stops keeping the request fresh.
        release.run();
        return;
      }
      giveUp(
          entryId,
          request,
          ErrorCode.INTERNAL,
          "The assistant failed to start this answer "
              + deliveries
              + " times; please ask again, and report it if it keeps happening.",
          release);
    }
  }

  private void giveUp(
      String entryId, TurnRequest request, String code, String message, Runnable release) {
    try {
      Log.warnf("Turn %s ends with %s: %s", request.turnId(), code, message);
      refusals.refuse(entryId, request.turnId(), request.conversationId(), code, message);
      metrics.ended("error");
    } catch (RuntimeException e) {
      Log.warnf(
          "Turn %s: giving up failed (%s); left to the next delivery",
          request.turnId(), e.getMessage());
    } finally {
      release.run();
    }
  }

  /** Cancels a turn if it runs here. */
  public void cancel(String turnId, long requestedAtNanos) {
    Running r = running.get(turnId);
    if (r != null) {
      r.turn().cancel(requestedAtNanos);
    }
  }

  /** Stream entry IDs of the requests this instance is working on. */
  public Set<String> inFlightEntryIds() {
    return running.values().stream().map(Running::entryId).collect(Collectors.toSet());
  }

  /** The turns running here now. */
  public List<String> runningTurnIds() {
    return List.copyOf(running.keySet());
  }

  /** Whether a turn is starting or running here. */
  public boolean busy() {
    return starting.get() > 0 || !running.isEmpty();
  }

  public int activeCount() {
    return running.size();
  }

  private void begin(String entryId, TurnRequest request, int deliveries, Runnable release) {
    String turnId = request.turnId();
    long pickedUpMs = System.currentTimeMillis();
    long pickedUpNanos = System.nanoTime();
    // One round trip: the newest event (if the turn ran before), the cancel flag, the history.
    Response start =
        redis.execute(
            "EVAL",
            TURN_START,
            "3",
            Keys.turn(turnId),
            Keys.cancelled(turnId),
            Keys.messages(request.conversationId()),
            Integer.toString(ConversationHistory.MAX_READ));
    Response last = start.get(0);
    boolean ranBefore = last != null && last.size() > 0;
    long lastSeq = ranBefore ? Keys.seqOf(last.get(0).get(0).toString()) : 0;
    if (ranBefore && TurnRefusals.isFinal(last.get(0).get(1).get(1).toString())) {
      Log.infof("Turn %s had already ended; acknowledging it", turnId);
      acknowledge(entryId, turnId);
      release.run();
      return;
    }
    // The turn's tasks (its tokens, Redis's replies, its timers) run on its lane's event loop,
    // where its model call's bytes and its writes' replies arrive: no hand-off to another thread
    // per token. None of them blocks; the end of a turn goes back to the workers (ended).
    Lanes.Lane lane = lanes.next();
    SerialExecutor serial =
        new SerialExecutor(task -> lane.context().runOnContext(v -> task.run()));
    TurnWriter writer = new TurnWriter(lane.batches(), turnId, lastSeq, metrics, serial);
    Turn turn =
        new Turn(
            request,
            writer,
            model,
            lane.model(),
            config,
            metrics,
            timer,
            spans.start(request),
            this::ended,
            serial);
    running.put(turnId, new Running(entryId, turn, release));
    metrics.active().incrementAndGet();
    if (lastSeq > 0) {
      metrics.reclaimed();
      Log.infof("Turn %s restarts after seq %d (delivery %d)", turnId, lastSeq, deliveries);
      if (restarts(turnId) + 1 >= config.maxAttempts()) {
        endEarly(
            turn,
            ErrorCode.WORKER_FAILED,
            "The answer failed " + config.maxAttempts() + " times; please ask again.");
        return;
      }
      turn.restart();
    }
    if (start.get(1).toInteger() == 1) {
      turn.endBeforeStart(seq -> new Frame.Cancelled(turnId, seq), "cancelled");
      return;
    }
    if (!model.isConfigured()) {
      endEarly(
          turn,
          ErrorCode.MODEL_NOT_CONFIGURED,
          "No model is configured, so there is no answer. Set AI_CODER_LLM_BASE_URL (an"
              + " OpenAI-compatible endpoint such as http://localhost:11434/v1 for Ollama),"
              + " AI_CODER_LLM_MODEL and, if the server needs one, AI_CODER_LLM_API_KEY for the"
              + " ai-streaming service.");
      return;
    }
    metrics.queue(pickedUpMs - request.acceptedAtMs());
    List<String> stored = new ArrayList<>(start.get(2).size());
    start.get(2).forEach(m -> stored.add(m.toString()));
    var messages =
        PromptBuilder.build(
            request,
            ConversationHistory.recent(stored, turnId, config.historyBudgetChars()),
            context.render(request));
    // The round trip above and the attached files' reads included.
    metrics.promptBuild(System.nanoTime() - pickedUpNanos);
    String cacheKey = answers.key(request, messages).orElse(null);
    AnswerCache.Stored hit = cacheKey == null ? null : answers.find(cacheKey).orElse(null);
    turn.start(messages, cacheKey, hit);
  }

  private void endEarly(Turn turn, String code, String message) {
    String turnId = turn.request().turnId();
    LongFunction<Frame.TurnEvent> event = seq -> new Frame.Error(turnId, seq, code, message);
    turn.endBeforeStart(event, "error");
  }

  /** Called once per turn when its final event was handed to the writer. */
  private void ended(Turn turn, String outcome) {
    turn.writer()
        .ended()
        .whenCompleteAsync((event, error) -> finish(turn, outcome, event, error), workers);
  }

  private void finish(Turn turn, String outcome, Frame.TurnEvent event, Throwable error) {
    TurnRequest request = turn.request();
    Running r = running.remove(request.turnId());
    if (r == null) {
      return; // already finished: a failed write and the turn's own end both report here
    }
    metrics.active().decrementAndGet();
    turn.span().setAttribute("aicoder.turn.outcome", outcome);
    turn.span().end();
    try {
      if (error instanceof TurnWriter.HandedOver) {
        Log.infof("Turn %s: left unfinished for another worker to restart", request.turnId());
        metrics.ended("handed_over");
        return;
      }
      if (error != null) {
        // Most likely another worker took the turn over (our seq was refused); it will finish.
        Log.warnf(
            "Turn %s: writing its events failed (%s); leaving it to the group",
            request.turnId(), error.getMessage());
        return;
      }
      metrics.ended(outcome);
      String status =
          event instanceof Frame.Done
              ? "done"
              : event instanceof Frame.Cancelled ? "cancelled" : "error";
      String text = turn.answer();
      if (text.isEmpty() && event instanceof Frame.Error e) {
        text = e.message();
      }
      // The answer, the request's acknowledgement and the stream's retention in one call.
      history.appendAnswerAndEnd(
          request.conversationId(),
          new ChatMessage(
              UUID.randomUUID().toString(),
              request.turnId(),
              "assistant",
              text,
              status,
              System.currentTimeMillis()),
          r.entryId(),
          config.turnRetention());
      if (event instanceof Frame.Done) {
        // Off this path: the turn is over for the user whatever the cache does.
        turn.toCache().ifPresent(a -> workers.execute(() -> answers.store(turn.cacheKey(), a)));
      }
    } catch (RuntimeException e) {
      Log.errorf(e, "Turn %s ended but could not be acknowledged", request.turnId());
    } finally {
      r.release().run();
    }
  }

  private void acknowledge(String entryId, String turnId) {
    if (entryId != null) {
      streams.xack(Keys.REQUESTS, Keys.GROUP, entryId);
    }
    redis.key().expire(Keys.turn(turnId), config.turnRetention());
  }

  private int restarts(String turnId) {
    return (int)
        streams.xrange(Keys.turn(turnId), StreamRange.of("-", "+")).stream()
            .filter(
                m ->
                    m.payload().getOrDefault(Keys.EVENT_FIELD, "").contains("\"type\":\"restart\""))
            .count();
  }

  /**
   * Lets running turns finish for up to {@code grace}, so a rolling restart finishes answers rather
   * than redoing them; then hands over the turns still running, unacknowledged, for other workers
   * to restart. Returns their requests' entry IDs.
   */
  public List<String> drain(Duration grace) {
    awaitIdle(grace);
    List<Running> left = List.copyOf(running.values());
    if (left.isEmpty()) {
      return List.of();
    }
    Log.infof("%d turns still running after %s; handing them over", left.size(), grace);
    left.forEach(r -> r.turn().handOver());
    // Quick: each waits for at most its one write in flight.
    awaitIdle(Duration.ofSeconds(5));
    return left.stream().map(Running::entryId).toList();
  }

  private void awaitIdle(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while ((!running.isEmpty() || starting.get() > 0) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
