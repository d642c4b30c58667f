package dev.aicoder.common;

import io.quarkus.logging.Log;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tasks run one at a time, in the order they were submitted, on a shared pool: what one thing (a
 * turn in ai-streaming, a connection in chat-websocket) does runs here, so its state needs no lock
 * and no thread ever waits for another's, while different things run in parallel.
 */
public final class SerialExecutor implements Executor {

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public SerialExecutor(Executor pool) {
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
        Log.debug("A serialized task was dropped: the service is stopping");
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
          Log.error("A serialized task failed", e);
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
