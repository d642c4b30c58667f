package dev.aicoder.chat.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.chat.FakeWorker;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tailer of an instance run with several event loops ({@code CHAT_EVENT_LOOPS}): it keeps to
 * its own loop and that loop's Redis connections.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(TurnTailerLoopsTest.FourLoops.class)
class TurnTailerLoopsTest {

  /** An instance with four event loops, as CHAT_EVENT_LOOPS=4 gives. */
  public static class FourLoops implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.vertx.event-loops-pool-size", "4");
    }
  }

  @TestHTTPResource("/")
  URI base;

  @Inject TurnTailer tailer;
  @Inject Vertx vertx;

  @BeforeEach
  void publishSigningKey() {
    TestTokens.publish("localhost", LocalRedisResource.redis().port());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * The tailer reads and catches up on its own event loop's connections: with every other event
   * loop held, it still reads a turn's live events, reads the gap one of them skips, and sees the
   * turn end. With a client whose connections sit on another loop it stalls (a Redis client's
   * connections are on the loop it was created on, whatever loop its caller is on).
   */
  @Test
  void theTailerReadsWhileEveryOtherEventLoopIsHeld() throws Exception {
    CompletableFuture<Thread> tailerThread = new CompletableFuture<>();
    tailer.context().runOnContext(v -> tailerThread.complete(Thread.currentThread()));
    Thread own = tailerThread.get(5, TimeUnit.SECONDS);
    List<EventExecutor> loops = new ArrayList<>();
    vertx.nettyEventLoopGroup().forEach(loops::add);
    assertThat(loops).as("event loops").hasSizeGreaterThan(1);
    // A writer on a Vert.x of its own, as every loop of the service's but the tailer's is held.
    Vertx elsewhere = Vertx.vertx();
    Redis writer = Redis.createClient(elsewhere, LocalRedisResource.redis().url());
    try (WsClient client = WsClient.connect(base, TestTokens.of("oda"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tailer.follows(turnId));

      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(loops.size());
      try {
        for (EventExecutor loop : loops) {
          loop.execute(
              () -> {
                held.countDown();
                if (Thread.currentThread() != own) {
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
        }
        assertThat(held.await(10, TimeUnit.SECONDS)).as("every loop reached").isTrue();
        String first = FrameCodec.toJson(new Frame.Delta(turnId, 1, FakeWorker.text(1)));
        send(writer, Command.XADD, Keys.turn(turnId), Keys.entryId(1), Keys.EVENT_FIELD, first);
        send(writer, Command.EVAL, TurnEvents.append(new Frame.Delta(turnId, 2, "d2 ")));
        send(
            writer,
            Command.EVAL,
            TurnEvents.append(new Frame.Done(turnId, 3, new Frame.Usage(1, 2))));
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .alias("the turn's end read, the gap before it too, while the other loops are held")
            .until(() -> !tailer.follows(turnId));
      } finally {
        release.countDown();
      }
      assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(1);
      assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(2);
      assertThat(client.next(Frame.Done.class).seq()).isEqualTo(3);
    } finally {
      writer.close();
      elsewhere.close();
    }
  }

  private static void send(Redis redis, Command command, String... args) throws Exception {
    Request request = Request.cmd(command);
    for (String arg : args) {
      request.arg(arg);
    }
    redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
