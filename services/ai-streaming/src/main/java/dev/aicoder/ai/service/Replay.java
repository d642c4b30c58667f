package dev.aicoder.ai.service;

import dev.aicoder.ai.model.ModelClient;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays a cached answer into a turn as if the model streamed it, so its events follow the same
 * rules as a model's; cancelling it stops the chunks still to come.
 */
final class Replay extends ResponseHandle {

  private final AnswerCache.Stored answer;
  private final ModelClient.Listener listener;
  private final ScheduledExecutorService timer;
  private final long gapNanos;
  private volatile boolean cancelled;

  private Replay(
      AnswerCache.Stored answer,
      ModelClient.Listener listener,
      ScheduledExecutorService timer,
      Duration gap) {
    this.answer = answer;
    this.listener = listener;
    this.timer = timer;
    this.gapNanos = gap.toNanos();
  }

  /** Starts playing {@code answer} on the timer, {@code gap} between chunks. */
  static Replay start(
      AnswerCache.Stored answer,
      ModelClient.Listener listener,
      ScheduledExecutorService timer,
      Duration gap) {
    Replay replay = new Replay(answer, listener, timer, gap);
    timer.execute(() -> replay.play(0));
    return replay;
  }

  private void play(int from) {
    List<String> chunks = answer.chunks();
    for (int i = from; i < chunks.size(); i++) {
      if (cancelled) {
        return;
      }
      listener.onToken(chunks.get(i));
      if (gapNanos > 0 && i + 1 < chunks.size()) {
        int next = i + 1;
        timer.schedule(() -> play(next), gapNanos, TimeUnit.NANOSECONDS);
        return;
      }
    }
    if (!cancelled) {
      listener.onComplete(answer.inputTokens(), answer.outputTokens(), "stop");
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
  }
}
