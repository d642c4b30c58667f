package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.model.ModelClient;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.langchain4j.model.openai.internal.chat.UserMessage;
import io.opentelemetry.context.Context;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A lane's model answers and Redis replies need no other event loop: with every other lane's loop
 * blocked, a lane still writes an event and streams an answer. Vert.x brings a callback back to the
 * caller's loop whatever loop its connection is on, so this, not the callback's thread, is what
 * tells a lane's connections apart from shared ones: with the shared clients, whose connections sit
 * on whatever loop opened them (the model's) or all on one loop (Redis's), it fails. Run with four
 * event loops, as AI_EVENT_LOOPS=4 gives (one, the default, makes one lane).
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(LanesTest.FourLoops.class)
class LanesTest {

  /** An instance with four event loops. */
  public static class FourLoops implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.vertx.event-loops-pool-size", "4");
    }
  }

  @Inject Lanes lanes;
  @Inject ModelClient model;

  @Test
  void aLaneWritesAndStreamsWhileEveryOtherLaneIsBlocked() throws Exception {
    assertThat(lanes.size()).as("one lane per event loop").isEqualTo(4);
    List<Lanes.Lane> all = new ArrayList<>();
    for (int i = 0; i < lanes.size(); i++) {
      all.add(lanes.next());
    }
    Set<Thread> loops = new HashSet<>();
    for (Lanes.Lane lane : all) {
      loops.add(onLane(lane));
    }
    assertThat(loops).as("each lane on its own event loop").hasSize(lanes.size());

    // Twice round: the second time the lanes' connections are pooled ones, not new.
    for (int round = 0; round < 2; round++) {
      for (Lanes.Lane lane : all) {
        CountDownLatch release = new CountDownLatch(1);
        for (Lanes.Lane other : all) {
          if (other != lane) {
            block(other, release);
          }
        }
        try {
          writeAndStream(lane);
        } finally {
          release.countDown();
        }
      }
    }
  }

  /**
   * The Redis alerts and dashboards count the default client's commands: the lanes' are among them.
   */
  @Test
  void aLanesWritesAreCountedWithTheDefaultClientsCommands() throws Exception {
    // Many, as the service's own upkeep adds a few commands a second.
    int writes = 500;
    double before = commandsCounted();
    Lanes.Lane lane = lanes.next();
    for (int i = 0; i < writes; i++) {
      assertThat(write(lane).get(5, TimeUnit.SECONDS)).isNull();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(commandsCounted() - before).isGreaterThanOrEqualTo(writes));
  }

  private void writeAndStream(Lanes.Lane lane) throws Exception {
    assertThat(write(lane).get(5, TimeUnit.SECONDS)).as("the write's outcome").isNull();

    List<String> tokens = new CopyOnWriteArrayList<>();
    CompletableFuture<String> complete = new CompletableFuture<>();
    lane.context()
        .runOnContext(
            v ->
                model.stream(
                    lane.model(),
                    List.of(UserMessage.from("lanes #tokens=5")),
                    Context.root(),
                    new ModelClient.Listener() {
                      @Override
                      public void onToken(String text) {
                        tokens.add(text);
                      }

                      @Override
                      public void onComplete(int in, int out, String finishReason) {
                        complete.complete(finishReason);
                      }

                      @Override
                      public void onError(Throwable error) {
                        complete.completeExceptionally(error);
                      }
                    }));
    assertThat(complete.get(5, TimeUnit.SECONDS)).as("the answer's end").isEqualTo("stop");
    assertThat(tokens).as("the answer's tokens").hasSize(5);
  }

  /** Writes a new turn's first event through the lane; completes with its error, or null. */
  private static CompletableFuture<Throwable> write(Lanes.Lane lane) {
    CompletableFuture<Throwable> written = new CompletableFuture<>();
    String turnId = "lanes-" + UUID.randomUUID();
    lane.context()
        .runOnContext(
            v ->
                lane.batches()
                    .append(new Frame.Delta(turnId, 1, "x"), Runnable::run, written::complete));
    return written;
  }

  /** Holds the lane's event loop until {@code release}; returns once it is held. */
  private static void block(Lanes.Lane lane, CountDownLatch release) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    lane.context()
        .runOnContext(
            v -> {
              held.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(held.await(10, TimeUnit.SECONDS)).as("the other lane's loop held").isTrue();
  }

  /** The default client's successful commands, as /q/metrics shows them. */
  private static double commandsCounted() {
    String metrics = RestAssured.get("/q/metrics").asString();
    Matcher m =
        Pattern.compile(
                "redis_commands_success_total\\{[^}]*client_name=\"<default>\"[^}]*} (\\S+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static Thread onLane(Lanes.Lane lane) throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    lane.context().runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.get(10, TimeUnit.SECONDS);
  }
}
