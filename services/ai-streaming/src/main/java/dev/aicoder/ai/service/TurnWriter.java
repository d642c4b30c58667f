package dev.aicoder.ai.service;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * Appends one turn's events to its stream in order, with entry IDs {@code 0-<seq>}, and to the live
 * stream ({@link TurnEvents}), in batches with other turns' events ({@link EventBatches}).
 *
 * <p>Tokens are coalesced without a timer: a token is written at once when no write is in flight,
 * and tokens that arrive while one is in flight go out together in the next delta. A fast model
 * thus gets batched writes, and a slow one gets every token with no added delay.
 *
 * <p>Redis refuses an entry ID that is not above the last one, so if another worker took this turn
 * over, this writer's next append fails and the writer stops: the stream never holds two answers.
 *
 * <p>Called only in its turn's {@link dev.aicoder.common.SerialExecutor}, where Redis's replies
 * come back too: no locks.
 */
final class TurnWriter {

  private final EventBatches batches;
  private final String turnId;
  private final StringBuilder pending = new StringBuilder();
  private final CompletableFuture<Frame.TurnEvent> ended = new CompletableFuture<>();
  private final TurnMetrics metrics;
  private final Executor context;
  private long seq;
  private int pendingTokens;
  private boolean inFlight;
  private LongFunction<Frame.TurnEvent> finalEvent;
  private boolean handedOver;
  private Frame.TurnEvent restart;

  TurnWriter(
      EventBatches batches, String turnId, long lastSeq, TurnMetrics metrics, Executor context) {
    this.batches = batches;
    this.turnId = turnId;
    this.seq = lastSeq;
    this.metrics = metrics;
    this.context = context;
  }

  /** Tells clients to discard what they have of this turn; it is being generated again. */
  void restart() {
    restart = new Frame.Restart(turnId, seq + 1);
    flush();
  }

  void delta(String text) {
    if (finalEvent != null) {
      return;
    }
    pending.append(text);
    pendingTokens++;
    flush();
  }

  /**
   * Ends the turn with the event {@code make} builds from its seq, after every pending delta. Only
   * the first call counts. Completes with the final event once it is in Redis.
   */
  CompletableFuture<Frame.TurnEvent> end(LongFunction<Frame.TurnEvent> make) {
    if (finalEvent == null) {
      finalEvent = make;
      flush();
    }
    return ended;
  }

  boolean isEnding() {
    return finalEvent != null || handedOver;
  }

  /** Whether the final event is on its way: the turn is finishing here. */
  boolean isFinishing() {
    return finalEvent != null;
  }

  /**
   * Writes nothing more, so another worker can take the turn over; {@link #ended()} completes with
   * {@link HandedOver} once no write is in flight, since one landing after the other worker's
   * restart would be refused and, worse, one landing before it would be shown.
   */
  void handOver() {
    handedOver = true;
    if (!inFlight && !ended.isDone()) {
      ended.completeExceptionally(new HandedOver());
    }
  }

  /** The turn was left for another worker to restart. */
  static final class HandedOver extends RuntimeException {
    HandedOver() {
      super("handed over to another worker", null, false, false);
    }
  }

  /** Completes once the final event is written, or exceptionally when a write failed. */
  CompletableFuture<Frame.TurnEvent> ended() {
    return ended;
  }

  private void flush() {
    if (inFlight || ended.isDone() || handedOver) {
      return;
    }
    Frame.TurnEvent event;
    if (restart != null) {
      event = restart;
      restart = null;
      seq++;
    } else if (pending.length() > 0) {
      event = new Frame.Delta(turnId, ++seq, pending.toString());
      metrics.deltaTokens(pendingTokens);
      pending.setLength(0);
      pendingTokens = 0;
    } else if (finalEvent != null) {
      event = finalEvent.apply(++seq);
    } else {
      return;
    }
    inFlight = true;
    batches.append(
        event,
        context,
        error -> {
          if (error == null) {
            written(event);
          } else {
            failed(error);
          }
        });
  }

  private void written(Frame.TurnEvent event) {
    inFlight = false;
    if (event.isFinal()) {
      ended.complete(event);
    } else if (handedOver) {
      ended.completeExceptionally(new HandedOver());
    } else {
      flush();
    }
  }

  private void failed(Throwable error) {
    inFlight = false;
    ended.completeExceptionally(error);
  }
}
