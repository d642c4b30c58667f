package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.model.ModelClient;
import dev.aicoder.common.SerialExecutor;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.opentelemetry.api.trace.Span;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a turn's events refused by Redis while the model's tokens keep arriving. With a lock on
 * the turn and another on its writer, taken in opposite orders by a token and by the failed write,
 * the two threads could wait on each other forever, the Redis client's thread among them.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class WriteFailureTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);

  @Inject RedisDataSource redis;
  @Inject Lanes lanes;
  @Inject ModelClient model;
  @Inject AiConfig config;
  @Inject TurnMetrics metrics;

  @Test
  void aWriteRefusedWhileATokenArrivesEndsTheTurn() throws Exception {
    TurnRequest request = TurnStreams.request("refused");
    // Another worker wrote ahead: this turn's first write is refused.
    write(new Frame.Restart(request.turnId(), 1000));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService modelThread = Executors.newSingleThreadExecutor();
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      CompletableFuture<String> outcome = new CompletableFuture<>();
      SerialExecutor context = new SerialExecutor(pool);
      Lanes.Lane lane = lanes.next();
      TurnWriter writer = new TurnWriter(lane.batches(), request.turnId(), 0, metrics, context);
      Turn turn =
          new Turn(
              request,
              writer,
              model,
              lane.model(),
              config,
              metrics,
              timer,
              Span.getInvalid(),
              (t, o) -> outcome.complete(o),
              context);
      Future<?> tokens =
          modelThread.submit(
              () -> {
                // The turn's monitor held, as a token callback in progress held it under the old
                // locking, while the refusal arrives and the next token comes in.
                synchronized (turn) {
                  turn.onToken("a ");
                  Awaitility.await()
                      .atMost(WITHIN)
                      .until(() -> writer.ended().isCompletedExceptionally());
                  turn.onToken("b ");
                }
              });
      tokens.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertThat(outcome.get(WITHIN.toSeconds(), TimeUnit.SECONDS)).isEqualTo("lost");
    } finally {
      modelThread.shutdownNow();
      pool.shutdownNow();
      timer.shutdownNow();
    }
  }

  @Test
  void aTurnWhoseWritesAreRefusedMidAnswerStopsTheModelAndIsFinishedAfterARestart()
      throws Exception {
    FakeLlm fake = FakeLlmResource.fake();
    while (fake.awaitClientClose(Duration.ZERO) != null) {
      // closes left by earlier tests
    }
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    TurnRequest request = turns.submit("refused mid answer #tokens=400 #gap=5");
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !turns.events(request.turnId()).isEmpty());
    // Another worker takes the turn over: its restart lands right after what was written.
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(1))
        .ignoreExceptions()
        .until(
            () -> {
              List<Frame.TurnEvent> events = turns.events(request.turnId());
              write(new Frame.Restart(request.turnId(), events.get(events.size() - 1).seq() + 1));
              return true;
            });

    assertThat(fake.awaitClientClose(Duration.ofSeconds(5)))
        .as("the model call stopped once the writes were refused")
        .isNotNull();
    // Nobody else is running here, so this instance claims the request back and finishes it.
    List<Frame.TurnEvent> events = turns.awaitEnd(request.turnId(), WITHIN);
    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(400));
    TurnStreams.last(events, Frame.Done.class);
  }

  private void write(Frame.TurnEvent event) {
    redis.execute(
        "XADD",
        Keys.turn(event.turnId()),
        Keys.entryId(event.seq()),
        Keys.EVENT_FIELD,
        FrameCodec.toJson(event));
  }
}
