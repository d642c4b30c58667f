package dev.aicoder.ai.service;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnEvents;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes the events of a lane's turns ({@link Lanes}) to Redis, together ({@link TurnEvents}): an
 * event goes out at once when no batch is in flight, and events that arrive while one is go out
 * together in the next. Like a turn's own coalescing, there is no timer: a lone event waits for
 * nothing, and under load one {@code EVAL} carries the events of many turns. At 200 streams this
 * replaced one command per event (an {@code EVAL}, the Redis client's pooled connection, its timer
 * and counter, and a script call in Redis) with one per batch.
 *
 * <p>Each turn has at most one event in flight ({@link TurnWriter}), so a batch never reorders a
 * turn's events, and a refused event (another worker took the turn over) fails only its turn.
 */
final class EventBatches {

  private final Redis redis;

  /** The most events in one command; a longer queue goes out in the following ones. */
  private final int maxBatch;

  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();

  private record Pending(Frame.TurnEvent event, Executor context, Consumer<Throwable> written) {}

  EventBatches(Redis redis, int maxBatch) {
    this.redis = redis;
    this.maxBatch = maxBatch;
  }

  /**
   * Appends {@code event}; {@code written} then runs in {@code context}, with null once it is in
   * Redis or with the error that refused it.
   */
  void append(Frame.TurnEvent event, Executor context, Consumer<Throwable> written) {
    queue.add(new Pending(event, context, written));
    send();
  }

  private void send() {
    if (!sending.compareAndSet(false, true)) {
      return;
    }
    List<Pending> batch = new ArrayList<>();
    for (Pending p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      sending.set(false);
      // An event queued after the poll but before the flag was cleared would wait forever.
      if (!queue.isEmpty()) {
        send();
      }
      return;
    }
    List<Frame.TurnEvent> events = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      events.add(p.event());
    }
    Request eval = Request.cmd(Command.EVAL);
    for (String arg : TurnEvents.append(events)) {
      eval.arg(arg);
    }
    redis.send(eval).onComplete(done -> written(batch, done.result(), done.cause()));
  }

  private void written(List<Pending> batch, Response reply, Throwable error) {
    sending.set(false);
    send();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Throwable refused = error != null ? error : refusal(reply.get(i));
      p.context().execute(() -> p.written().accept(refused));
    }
  }

  /** The error of a batch's element that is not 1. */
  private static Throwable refusal(Response element) {
    if (element.type() == ResponseType.NUMBER) {
      return null;
    }
    return new IllegalStateException("Redis refused the event: " + element);
  }
}
