package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two chat-websocket instances on one Redis, as two pods behind a load balancer: a viewer of a
 * conversation gets its turns live whichever instance accepted the prompt.
 */
class TwoChatInstancesTest {

  private static LocalRedis redis;
  private static FakeLlm model;
  private static ServiceProcess chatA;
  private static ServiceProcess chatB;
  private static ServiceProcess worker;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    TestTokens.publish("127.0.0.1", redis.port());
    model = FakeLlm.start(new Script(50, 5, 40));
    // A or B stopped at the end needs no drain (the drain has its own test, with C).
    Map<String, String> common =
        Map.of("quarkus.redis.hosts", redis.url(), "aicoder.chat.drain-delay", "0s");
    chatA = ServiceProcess.start("chat-websocket", "two-chat-a", ServiceProcess.freePort(), common);
    chatB = ServiceProcess.start("chat-websocket", "two-chat-b", ServiceProcess.freePort(), common);
    Map<String, String> ai = new HashMap<>(common);
    ai.put("aicoder.ai.llm.base-url", model.baseUrl());
    ai.put("aicoder.ai.llm.model", "fake");
    worker = ServiceProcess.start("ai-streaming", "two-chat-ai", ServiceProcess.freePort(), ai);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chatA, chatB, worker, model, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static WsClient tab(ServiceProcess instance, String user) {
    return WsClient.connect(
        URI.create("http://localhost:" + instance.port + "/"),
        TestTokens.of(user),
        FrameCodec.JSON);
  }

  /** Sends a frame, then a ping, and waits for its pong: the frame was handled by then. */
  private static void handled(WsClient client, Frame frame) throws InterruptedException {
    client.send(frame);
    client.send(new Frame.Ping(4242));
    assertThat(client.next()).as("what came back before the pong").isInstanceOf(Frame.Pong.class);
  }

  /** Reads one whole turn: every seq once and in order, ending with done; returns its text. */
  private static String answer(WsClient client, String turnId) throws InterruptedException {
    return answerFrom(client, turnId, 0);
  }

  /** Reads the rest of a turn after {@code seq}, as {@link #answer} does. */
  private static String answerFrom(WsClient client, String turnId, long seq)
      throws InterruptedException {
    StringBuilder text = new StringBuilder();
    for (Frame frame = client.next(); ; frame = client.next()) {
      if (frame instanceof Frame.Delta delta) {
        assertThat(delta.turnId()).isEqualTo(turnId);
        assertThat(delta.seq()).as("seq").isEqualTo(++seq);
        text.append(delta.text());
      } else if (frame instanceof Frame.Done done) {
        assertThat(done.turnId()).isEqualTo(turnId);
        assertThat(done.seq()).as("done's seq").isEqualTo(++seq);
        return text.toString();
      } else {
        throw new AssertionError("unexpected " + frame);
      }
    }
  }

  @Test
  void aViewerOnEachInstanceGetsEveryEventOfTurnsAcceptedOnTheOther() throws Exception {
    String conversation = UUID.randomUUID().toString();
    try (WsClient onA = tab(chatA, "ann");
        WsClient onB = tab(chatB, "ann");
        WsClient alsoOnB = tab(chatB, "ann")) {
      handled(onB, new Frame.Join(conversation));
      handled(alsoOnB, new Frame.Join(conversation));
      // The first turn is accepted on A, the second on B: each instance learns of the other's.
      for (WsClient prompter : new WsClient[] {onA, onB}) {
        prompter.send(
            new Frame.Prompt(conversation, UUID.randomUUID().toString(), "hi #tokens=40", null));
        String turnId = prompter.next(Frame.Accepted.class).turnId();
        for (WsClient viewer : new WsClient[] {onA, onB, alsoOnB}) {
          assertThat(answer(viewer, turnId)).isEqualTo(FakeLlm.expectedText(40));
        }
      }
    }
  }

  @Test
  void aPromptRetriedOnTheOtherInstanceIsFollowedThere() throws Exception {
    String conversation = UUID.randomUUID().toString();
    Frame.Prompt prompt =
        new Frame.Prompt(conversation, UUID.randomUUID().toString(), "retry #tokens=40", null);
    String turnId;
    try (WsClient onA = tab(chatA, "ben")) {
      onA.send(prompt);
      turnId = onA.next(Frame.Accepted.class).turnId();
      onA.next(Frame.Delta.class);
    } // the connection to A dropped before the answer came; the client retries on B
    try (WsClient onB = tab(chatB, "ben")) {
      onB.send(prompt);
      Frame.Accepted again = onB.next(Frame.Accepted.class);
      assertThat(again.turnId()).as("the same turn, not a second one").isEqualTo(turnId);
      assertThat(answer(onB, turnId)).isEqualTo(FakeLlm.expectedText(40));
    }
    assertThat(model.requests().stream().filter(r -> r.toString().contains("retry #tokens=40")))
        .as("the model was asked once")
        .hasSize(1);
  }

  @Test
  void aStoppingInstanceDrainsThenClosesWith1012AndItsClientResumesOnTheOther() throws Exception {
    Map<String, String> props =
        Map.of("quarkus.redis.hosts", redis.url(), "aicoder.chat.drain-delay", "2s");
    ServiceProcess chatC =
        ServiceProcess.start("chat-websocket", "two-chat-c", ServiceProcess.freePort(), props);
    String conversation = UUID.randomUUID().toString();
    try (WsClient onA = tab(chatA, "cal");
        WsClient onC = tab(chatC, "cal")) {
      handled(onC, new Frame.Join(conversation));
      onA.send(
          new Frame.Prompt(
              conversation, UUID.randomUUID().toString(), "long #tokens=200 #gap=20", null));
      String turnId = onA.next(Frame.Accepted.class).turnId();
      StringBuilder seen = new StringBuilder();
      long lastSeq = 0;
      for (; lastSeq < 5; lastSeq++) {
        seen.append(onC.next(Frame.Delta.class).text());
      }

      chatC.sigterm();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready =
          HttpRequest.newBuilder(URI.create("http://localhost:" + chatC.port + "/q/health/ready"))
              .build();
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 503) {
        assertThat(System.nanoTime()).as("not ready within 2 s of SIGTERM").isLessThan(deadline);
      }
      // Still draining: the turn keeps streaming to the open connection until the close.
      Frame frame;
      while ((frame = onC.nextOrClose()) instanceof Frame.Delta delta) {
        assertThat(delta.seq()).isEqualTo(++lastSeq);
        seen.append(delta.text());
      }
      assertThat(frame).as("nothing but deltas before the close").isNull();
      assertThat(onC.awaitClose(Duration.ofSeconds(5))).isEqualTo(1012);
      assertThat(lastSeq).as("deltas kept coming during the drain").isGreaterThan(5);
      assertThat(chatC.awaitExit(Duration.ofSeconds(10))).as("exited after the drain").isTrue();

      try (WsClient again = tab(chatA, "cal")) {
        again.send(new Frame.Resume(turnId, lastSeq));
        String rest = answerFrom(again, turnId, lastSeq);
        assertThat(seen + rest).isEqualTo(FakeLlm.expectedText(200));
      }
    } finally {
      chatC.close();
    }
  }
}
