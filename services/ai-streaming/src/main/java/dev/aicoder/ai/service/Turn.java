package dev.aicoder.ai.service;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.model.ModelClient;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import dev.langchain4j.model.openai.internal.chat.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * One run of one turn on this instance: calls the model, feeds its tokens to the {@link
 * TurnWriter}, and ends the turn exactly once — done, error, cancelled or timed out. Callbacks come
 * from the HTTP client's threads, the timer and the cancel poller; each entry point hands its work
 * to the turn's {@link dev.aicoder.common.SerialExecutor}, which runs it in order, so nothing here
 * takes a lock.
 */
final class Turn implements ModelClient.Listener {

  private final TurnRequest request;
  private final TurnWriter writer;
  private final ModelClient model;
  private final HttpClient modelPool;
  private final AiConfig config;
  private final TurnMetrics metrics;
  private final ScheduledExecutorService timer;
  private final TurnEnd onEnd;
  private final Executor context;
  private final StringBuilder answer = new StringBuilder();
  private final Span span;
  private List<Message> messages;
  private ResponseHandle call;
  private ScheduledFuture<?> watchdog;

  /** Which arming of the watchdog is current; a timeout that fired before a re-arm is stale. */
  private long watchdogArmed;

  private ScheduledFuture<?> deadline;

  /** The answer cache's key of this request; null when its answer is not cached. */
  private String cacheKey;

  /** The cached answer this turn replays instead of calling the model; null for a model call. */
  private AnswerCache.Stored hit;

  /** The model's chunks as it streamed them, kept only when the answer may be cached. */
  private List<String> chunks;

  private String finishReason;
  private Frame.Usage usage;
  private boolean restarted;
  private int retries;
  private int tokens;
  private long callStart;
  private long firstTokenAt;
  private long lastTokenAt;

  /** What happens when the turn's final event is written (or could not be). */
  interface TurnEnd {
    void ended(Turn turn, String outcome);
  }

  Turn(
      TurnRequest request,
      TurnWriter writer,
      ModelClient model,
      HttpClient modelPool,
      AiConfig config,
      TurnMetrics metrics,
      ScheduledExecutorService timer,
      Span span,
      TurnEnd onEnd,
      Executor context) {
    this.span = span;
    this.request = request;
    this.writer = writer;
    this.model = model;
    this.modelPool = modelPool;
    this.config = config;
    this.metrics = metrics;
    this.timer = timer;
    this.onEnd = onEnd;
    this.context = context;
    // If Redis refuses our events (another worker took over, or Redis is gone), stop the model.
    // The writer completes this in the turn's context, so this runs there too.
    writer
        .ended()
        .whenComplete(
            (event, error) -> {
              if (error != null) {
                writeFailed(error);
              }
            });
  }

  private void writeFailed(Throwable error) {
    abort();
    onEnd.ended(this, error instanceof TurnWriter.HandedOver ? "handed_over" : "lost");
  }

  /**
   * Stops the model and writes nothing more, leaving the turn to another worker, which restarts it;
   * a turn whose final event is already on its way finishes here instead.
   */
  void handOver() {
    context.execute(
        () -> {
          if (!writer.isFinishing()) {
            abort();
            writer.handOver();
          }
        });
  }

  /** Stops whatever this turn started, for a turn that failed before it could run. */
  void abandon() {
    context.execute(
        () -> {
          abort();
          span.end();
        });
  }

  /** Tells clients to discard what an earlier run of this turn wrote. */
  void restart() {
    context.execute(
        () -> {
          restarted = true;
          writer.restart();
        });
  }

  /** Ends the turn before the model is asked: cancelled before it started, or no model. */
  void endBeforeStart(LongFunction<Frame.TurnEvent> event, String outcome) {
    context.execute(
        () -> {
          if (!writer.isEnding()) {
            end(event, outcome);
          }
        });
  }

  TurnRequest request() {
    return request;
  }

  Span span() {
    return span;
  }

  TurnWriter writer() {
    return writer;
  }

  /**
   * What to store in the answer cache, read once the turn ended {@code done}: only a model's
   * complete answer (finish reason {@code stop}) to a cacheable request, never one that restarted.
   */
  Optional<AnswerCache.Stored> toCache() {
    if (chunks == null || restarted || !"stop".equals(finishReason)) {
      return Optional.empty();
    }
    return Optional.of(
        new AnswerCache.Stored(List.copyOf(chunks), usage.inputTokens(), usage.outputTokens()));
  }

  String cacheKey() {
    return cacheKey;
  }

  /** The answer so far; read once the final event is written, after which it no longer changes. */
  String answer() {
    return answer.toString();
  }

  /**
   * Starts the answer: the model call, or with {@code hit} the replay of a cached answer.
   *
   * @param cacheKey the answer cache's key, null when this answer must not be cached
   */
  void start(List<Message> messages, String cacheKey, AnswerCache.Stored hit) {
    context.execute(() -> begin(messages, cacheKey, hit));
  }

  private void begin(List<Message> messages, String cacheKey, AnswerCache.Stored hit) {
    if (writer.isEnding()) {
      return;
    }
    this.messages = messages;
    this.cacheKey = cacheKey;
    this.hit = hit;
    if (cacheKey != null && hit == null) {
      chunks = new ArrayList<>();
    }
    Duration limit = config.maxTurnDuration();
    deadline =
        timer.schedule(
            () ->
                context.execute(
                    () ->
                        stopTooLong(
                            "The answer took longer than "
                                + readable(limit)
                                + ", the limit set by AI_CODER_MAX_TURN_DURATION")),
            limit.toMillis(),
            TimeUnit.MILLISECONDS);
    callModel();
  }

  private void callModel() {
    if (writer.isEnding()) {
      return;
    }
    callStart = System.nanoTime();
    arm(config.firstTokenTimeout(), "The model sent no first token within ");
    if (hit != null) {
      span.setAttribute("aicoder.turn.cached", true);
      call = Replay.start(hit, this, timer, config.answerCache().replayGap());
      return;
    }
    call = model.stream(modelPool, messages, Context.root().with(span), this);
  }

  @Override
  public void onToken(String text) {
    long arrived = System.nanoTime(); // the model's timing, not the queue's
    context.execute(() -> token(text, arrived));
  }

  @Override
  public void onComplete(int inputTokens, int outputTokens, String finishReason) {
    context.execute(() -> complete(inputTokens, outputTokens, finishReason));
  }

  @Override
  public void onError(Throwable error) {
    context.execute(() -> failed(error));
  }

  private void token(String text, long now) {
    if (writer.isEnding()) {
      return;
    }
    if (tokens == 0) {
      firstTokenAt = now;
      long sinceAccepted = System.currentTimeMillis() - request.acceptedAtMs();
      if (hit != null) {
        metrics.cacheFirstToken(sinceAccepted);
      } else {
        metrics.model(now - callStart);
      }
      metrics.firstToken(sinceAccepted);
    } else if (hit == null) {
      metrics.tokenGap(now - lastTokenAt);
    }
    lastTokenAt = now;
    if (tokens == config.maxOutputTokens()) {
      // The model went past max_tokens (not every server honours it): stop it here.
      stopTooLong(
          "The answer reached "
              + config.maxOutputTokens()
              + " tokens, the limit set by AI_CODER_MAX_OUTPUT_TOKENS");
      return;
    }
    tokens++;
    int room = config.maxAnswerChars() - answer.length();
    if (text.length() > room) {
      String fits = text.substring(0, room);
      if (!fits.isEmpty()) {
        answer.append(fits);
        writer.delta(fits);
      }
      stopTooLong(
          "The answer reached "
              + config.maxAnswerChars()
              + " characters, the limit set by AI_CODER_MAX_ANSWER_CHARS");
      return;
    }
    answer.append(text);
    if (chunks != null) {
      chunks.add(text);
    }
    if (tokens == 1) {
      // Armed once, not per token: when it fires it checks the time since the last token.
      arm(config.stallTimeout(), "The model stopped sending for ");
    }
    writer.delta(text);
  }

  private void complete(int inputTokens, int outputTokens, String finishReason) {
    disarm();
    if (writer.isEnding()) {
      return;
    }
    if ("length".equals(finishReason)) {
      stopTooLong(
          "The model stopped at its output limit (AI_CODER_MAX_OUTPUT_TOKENS is "
              + config.maxOutputTokens()
              + " tokens, unless the model's own limit is lower)");
      return;
    }
    if (finishReason == null) {
      end(
          seq ->
              new Frame.Error(
                  request.turnId(),
                  seq,
                  ErrorCode.MODEL_ERROR,
                  "The model's connection closed before the answer was complete."),
          "error");
      return;
    }
    this.finishReason = finishReason;
    long streamNanos = lastTokenAt - firstTokenAt;
    if (hit == null && tokens > 1 && streamNanos > 0) {
      metrics.tokensPerSecond(outputTokens * 1e9 / streamNanos);
    }
    Frame.Usage usage = new Frame.Usage(inputTokens, outputTokens, hit != null);
    this.usage = usage;
    end(seq -> new Frame.Done(request.turnId(), seq, usage), "done");
  }

  private void failed(Throwable error) {
    disarm();
    if (writer.isEnding()) {
      return; // we aborted the call ourselves
    }
    Integer status = ModelErrors.status(error);
    Log.debugf(error, "Turn %s: model call failed (HTTP %s)", request.turnId(), status);
    if (tokens == 0 && ModelErrors.retryable(status, error) && retries < config.modelRetries()) {
      long delay = config.retryBackoff().toMillis() << retries;
      retries++;
      metrics.retried();
      timer.schedule(() -> context.execute(this::callModel), delay, TimeUnit.MILLISECONDS);
      return;
    }
    String message = ModelErrors.describe(status, error, tokens > 0);
    end(seq -> new Frame.Error(request.turnId(), seq, ErrorCode.MODEL_ERROR, message), "error");
  }

  /** Stops the generation at the model and ends the turn with {@code cancelled}. */
  void cancel(long requestedAtNanos) {
    context.execute(() -> cancelNow(requestedAtNanos));
  }

  private void cancelNow(long requestedAtNanos) {
    if (writer.isEnding()) {
      return;
    }
    abort();
    metrics.cancelled(System.nanoTime() - requestedAtNanos);
    end(seq -> new Frame.Cancelled(request.turnId(), seq), "cancelled");
  }

  private void timedOut(long armed, String what, Duration limit) {
    if (armed != watchdogArmed || writer.isEnding()) {
      return;
    }
    long quiet = System.nanoTime() - lastTokenAt;
    if (tokens > 0 && quiet < limit.toNanos()) {
      arm(limit.toNanos() - quiet, limit, what); // tokens came meanwhile
      return;
    }
    abort();
    String message = what + limit.toSeconds() + " s; try again, or check the model server.";
    end(seq -> new Frame.Error(request.turnId(), seq, ErrorCode.MODEL_TIMEOUT, message), "timeout");
  }

  /** Ends the turn after what was streamed so far, stopping the model: it ran past a cap. */
  private void stopTooLong(String why) {
    if (writer.isEnding()) {
      return;
    }
    abort();
    String message = why + "; it was stopped there. Ask for a shorter answer or for one part.";
    end(seq -> new Frame.Error(request.turnId(), seq, ErrorCode.TOO_LONG, message), "too_long");
  }

  private static String readable(Duration d) {
    return d.toSeconds() % 60 == 0 && d.toMinutes() > 0
        ? d.toMinutes() + " min"
        : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private void abort() {
    disarm();
    stopDeadline();
    if (call != null) {
      call.cancel();
    }
  }

  private void end(LongFunction<Frame.TurnEvent> event, String outcome) {
    stopDeadline();
    writer.end(event);
    onEnd.ended(this, outcome);
  }

  private void arm(Duration limit, String what) {
    arm(limit.toNanos(), limit, what);
  }

  private void arm(long delayNanos, Duration limit, String what) {
    disarm();
    long armed = watchdogArmed;
    watchdog =
        timer.schedule(
            () -> context.execute(() -> timedOut(armed, what, limit)),
            delayNanos,
            TimeUnit.NANOSECONDS);
  }

  private void stopDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void disarm() {
    watchdogArmed++;
    if (watchdog != null) {
      watchdog.cancel(false);
      watchdog = null;
    }
  }
}
