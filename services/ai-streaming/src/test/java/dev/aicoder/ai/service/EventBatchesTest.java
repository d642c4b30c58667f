package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.common.EventLoopRedis;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many turns' events go to Redis in few commands; a refused one fails only its own turn. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class EventBatchesTest {

  private static final int TURNS = 100;

  @Inject Lanes lanes;
  @Inject RedisDataSource redis;
  @Inject EventLoopRedis clients;
  @Inject Vertx vertx;

  private PubSubCommands.RedisSubscriber listener;

  @Test
  void byDefaultEveryTurnRunsInTheOneLaneSoTheirEventsShareItsBatches() {
    assertThat(lanes.size()).as("lanes with the default AI_EVENT_LOOPS").isEqualTo(1);
    assertThat(lanes.next().batches()).isSameAs(lanes.next().batches());
  }

  @Test
  void eventsOfManyTurnsShareCommandsAndARefusalFailsOnlyItsTurn() throws Exception {
    String run = UUID.randomUUID().toString();
    String refused = run + "-refused";
    // Another worker already wrote this turn's seq 1.
    redis.execute("XADD", Keys.turn(refused), Keys.entryId(1), Keys.EVENT_FIELD, "{}");
    EventBatches batches = lanes.next().batches();
    Queue<String> published = listen();
    long evalsBefore = evals();

    List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
    for (int i = 0; i < TURNS; i++) {
      String turnId = i == TURNS / 2 ? refused : run + "-" + i;
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      batches.append(new Frame.Delta(turnId, 1, "token " + i), Runnable::run, outcome::complete);
      outcomes.add(outcome);
    }

    for (int i = 0; i < TURNS; i++) {
      Throwable error = outcomes.get(i).get(10, TimeUnit.SECONDS);
      if (i == TURNS / 2) {
        assertThat(error).as("the refused event").hasMessageContaining("equal or smaller");
      } else {
        assertThat(error).as("event %d", i).isNull();
        assertThat(redis.execute("XRANGE", Keys.turn(run + "-" + i), "-", "+").toString())
            .contains(FrameCodec.toJson(new Frame.Delta(run + "-" + i, 1, "token " + i)));
      }
    }
    assertThat(evals() - evalsBefore)
        .as("one command carries the events queued while another is in flight")
        .isLessThan(TURNS / 4);
    long commands = evals() - evalsBefore;
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> String.join("\n", published).contains(run + "-" + (TURNS - 1)));
    String live = String.join("\n", published);
    assertThat(live).contains(run + "-0").doesNotContain(refused);
    assertThat(published)
        .as("live messages of this test's events: one per command, whatever it carries")
        .hasSizeLessThanOrEqualTo((int) commands);
  }

  /** A backlog goes out in batches of at most {@code BATCH_SIZE} events. */
  @Test
  void aBatchHoldsAtMostBatchSizeEvents() throws Exception {
    String run = UUID.randomUUID().toString();
    Redis client = clients.create(vertx, "test", 1);
    EventBatches batches = new EventBatches(client, 10);
    Queue<String> published = listen();
    List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      batches.append(new Frame.Delta(run + "-" + i, 1, "t"), Runnable::run, outcome::complete);
      outcomes.add(outcome);
    }
    try {
      for (CompletableFuture<Throwable> outcome : outcomes) {
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isNull();
      }
    } finally {
      client.close();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> published.stream().mapToInt(m -> TurnEvents.live(m).length / 2).sum() == 50);
    assertThat(published)
        .allSatisfy(m -> assertThat(TurnEvents.live(m)).hasSizeLessThanOrEqualTo(20));
    assertThat(published).as("messages").hasSizeGreaterThanOrEqualTo(5);
  }

  /** Collects what is published on the live channel from now on (until the test ends). */
  private Queue<String> listen() {
    long before = subscribers();
    Queue<String> published = new ConcurrentLinkedQueue<>();
    listener = redis.pubsub(String.class).subscribe(Keys.LIVE, published::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() > before);
    return published;
  }

  private long subscribers() {
    return redis.execute("PUBSUB", "NUMSUB", Keys.LIVE).get(1).toLong();
  }

  @AfterEach
  void stopListening() {
    if (listener != null) {
      listener.unsubscribe();
      listener = null;
    }
  }

  private long evals() {
    String stats = redis.execute("INFO", "commandstats").toString();
    Matcher m = Pattern.compile("cmdstat_eval:calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
