package dev.aicoder.ai.service;

import io.quarkus.logging.Log;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One turn's serialized context: tasks run one at a time, in the order they were submitted, on a
 * shared pool. Tokens, the writer's replies, timers and cancels of a turn all run here, so its
 * state needs no lock and no thread ever waits for another's.
 */
final class TurnContext implements Executor {

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  TurnContext(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        Log.debug("A turn's task was dropped: the service is stopping");
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          Log.error("A turn's task failed", e);
        }
      }
    } finally {
      scheduled.set(false);
      // A task added after the last poll but before the flag was cleared would wait forever.
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
