package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker that took a request, wrote part of the answer and died: this instance must claim the
 * request after the idle threshold, tell clients to restart, and finish the answer.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class ReclaimTest {

  @Inject RedisDataSource redis;

  @Test
  void deadWorkersTurnIsClaimedAndFinishedWithRestart() {
    TurnRequest request = TurnStreams.request("finish what they started #tokens=12");
    takeAsDeadWorker(request);
    deadWorkerWrites(new Frame.Delta(request.turnId(), 1, "half "));
    deadWorkerWrites(new Frame.Delta(request.turnId(), 2, "an answer"));

    List<Frame.TurnEvent> events =
        new TurnStreams(redis).awaitEnd(request.turnId(), Duration.ofSeconds(20));

    assertThat(events.get(2)).isEqualTo(new Frame.Restart(request.turnId(), 3));
    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(12));
    TurnStreams.last(events, Frame.Done.class);
  }

  @Test
  void aTurnThatKeepsFailingEndsWithAnError() {
    TurnRequest request = TurnStreams.request("cursed #tokens=5");
    takeAsDeadWorker(request);
    deadWorkerWrites(new Frame.Delta(request.turnId(), 1, "a"));
    deadWorkerWrites(new Frame.Restart(request.turnId(), 2));
    deadWorkerWrites(new Frame.Delta(request.turnId(), 3, "b"));
    deadWorkerWrites(new Frame.Restart(request.turnId(), 4));

    List<Frame.TurnEvent> events =
        new TurnStreams(redis).awaitEnd(request.turnId(), Duration.ofSeconds(20));
    assertThat(TurnStreams.last(events, Frame.Error.class).code()).isEqualTo("worker_failed");
  }

  /** The request, held by a worker that is gone. */
  private void takeAsDeadWorker(TurnRequest request) {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    turns.takeAs("dead-worker", request);
    current = request.turnId();
    var pending = redis.stream(String.class).xpending(Keys.REQUESTS, Keys.GROUP);
    assertThat(pending.getConsumers()).containsKey("dead-worker");
  }

  private String current;

  private void deadWorkerWrites(Frame.TurnEvent event) {
    redis.execute(
        "XADD",
        Keys.turn(current),
        Keys.entryId(event.seq()),
        Keys.EVENT_FIELD,
        FrameCodec.toJson(event));
  }
}
