package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chat turn through the packaged services: WebSocket → Redis → ai-streaming → model. */
class ChatTurnEndToEndTest {

  private static LocalRedis redis;
  private static FakeLlm model;
  private static ServiceProcess chat;
  private static ServiceProcess workerA;
  private static ServiceProcess workerB;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    TestTokens.publish("127.0.0.1", redis.port());
    model = FakeLlm.start(new Script(50, 10, 50));
    Map<String, String> common =
        Map.of(
            "quarkus.redis.hosts",
            redis.url(),
            "aicoder.ai.llm.base-url",
            model.baseUrl(),
            "aicoder.ai.llm.model",
            "fake",
            "aicoder.ai.claim-idle",
            "2s");
    chat =
        ServiceProcess.start("chat-websocket", "chat-websocket", ServiceProcess.freePort(), common);
    workerA =
        ServiceProcess.start(
            "ai-streaming",
            "ai-a",
            ServiceProcess.freePort(),
            with(common, "aicoder.ai.instance-id", "ai-a"));
    workerB =
        ServiceProcess.start(
            "ai-streaming",
            "ai-b",
            ServiceProcess.freePort(),
            with(common, "aicoder.ai.instance-id", "ai-b"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chat, workerA, workerB, model, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static WsClient client() {
    return WsClient.connect(
        URI.create("http://localhost:" + chat.port + "/"),
        TestTokens.of("e2e-user"),
        FrameCodec.JSON);
  }

  private static Frame.Prompt prompt(String text) {
    return new Frame.Prompt(UUID.randomUUID().toString(), UUID.randomUUID().toString(), text, null);
  }

  @Test
  void anAnswerStreamsThroughTheWholePath() throws Exception {
    try (WsClient client = client()) {
      client.send(prompt("hello #tokens=30"));
      client.next(Frame.Accepted.class);
      StringBuilder text = new StringBuilder();
      Frame frame;
      long seq = 0;
      while (!((frame = client.next()) instanceof Frame.Done)) {
        Frame.Delta delta = (Frame.Delta) frame;
        assertThat(delta.seq()).isEqualTo(++seq);
        text.append(delta.text());
      }
      assertThat(text.toString()).isEqualTo(FakeLlm.expectedText(30));
    }
  }

  @Test
  void cancelClosesTheModelsConnection() throws Exception {
    try (WsClient client = client()) {
      client.send(prompt("go on forever #tokens=5000"));
      String turnId = client.next(Frame.Accepted.class).turnId();
      client.next(Frame.Delta.class);
      client.send(new Frame.Cancel(turnId));
      assertThat(model.awaitClientClose(Duration.ofSeconds(2)))
          .as("model connection closed within 2 s")
          .isNotNull();
      assertThat(client.next(Frame.Cancelled.class).turnId()).isEqualTo(turnId);
    }
  }

  @Test
  void aKilledWorkersTurnIsFinishedByTheOtherWithRestart() throws Exception {
    try (WsClient client = client()) {
      client.send(prompt("survive a crash #tokens=300"));
      client.next(Frame.Accepted.class);
      for (int i = 0; i < 3; i++) {
        client.next(Frame.Delta.class);
      }
      String owner = pendingOwner();
      (owner.equals("ai-a") ? workerA : workerB).kill();

      StringBuilder text = new StringBuilder();
      boolean restarted = false;
      Frame frame;
      while (!((frame = client.next()) instanceof Frame.Done)) {
        if (frame instanceof Frame.Restart) {
          restarted = true;
          text.setLength(0);
        } else if (frame instanceof Frame.Delta delta) {
          text.append(delta.text());
        } else {
          throw new AssertionError("unexpected " + frame);
        }
      }
      assertThat(restarted).as("the client was told to discard the partial answer").isTrue();
      assertThat(text.toString()).isEqualTo(FakeLlm.expectedText(300));
    }
  }

  /** The consumer that holds the one pending request, read with a plain RESP command. */
  private static String pendingOwner() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", redis.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "XPENDING aicoder:ai:requests ai-streaming\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      String reply = new String(buffer, 0, in.read(buffer), StandardCharsets.US_ASCII);
      if (reply.contains("ai-a")) {
        return "ai-a";
      }
      if (reply.contains("ai-b")) {
        return "ai-b";
      }
      throw new AssertionError("no worker holds the request: " + reply);
    }
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    var map = new java.util.HashMap<>(base);
    map.put(key, value);
    return map;
  }
}
