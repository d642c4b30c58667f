package dev.aicoder.chat.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.chat.FakeWorker;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The protections of one instance, with small limits so tests reach them. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(LimitsTest.SmallLimits.class)
class LimitsTest {

  /** Tokens are signed with the test key, published where the gateway would publish its own. */
  @org.junit.jupiter.api.BeforeEach
  void publishSigningKey() {
    TestTokens.publish("localhost", LocalRedisResource.redis().port());
  }

  /**
   * Two connections, one per user, a short send queue, a fast heartbeat. Not faster than 2 s: a
   * client that stops reading also stops answering pings, so a heartbeat of 300 ms closed it as
   * silent (1001) before a busy machine had filled its send queue (CI saw no 1013).
   */
  public static class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.chat.max-connections", "2",
          "aicoder.chat.max-connections-per-user", "1",
          "aicoder.chat.max-send-queue", "20",
          "aicoder.chat.heartbeat", "2s");
    }
  }

  @TestHTTPResource("/")
  URI base;

  @Inject RedisDataSource redis;

  @Test
  void aFullInstanceRefusesWith1013AndAdmitsAgainAfterACloses() throws Exception {
    try (WsClient first = WsClient.connect(base, TestTokens.of("u1"), FrameCodec.JSON);
        WsClient second = WsClient.connect(base, TestTokens.of("u2"), FrameCodec.JSON)) {
      first.send(new Frame.Ping(1));
      first.next(Frame.Pong.class);
      second.send(new Frame.Ping(1));
      second.next(Frame.Pong.class);
      try (WsClient third = WsClient.connect(base, TestTokens.of("u3"), FrameCodec.JSON)) {
        assertThat(third.awaitClose(Duration.ofSeconds(10))).isEqualTo(1013);
      }
    }
    try (WsClient again = WsClient.connect(base, TestTokens.of("u4"), FrameCodec.JSON)) {
      again.send(new Frame.Ping(2));
      assertThat(again.next(Frame.Pong.class).ts()).isEqualTo(2);
    }
  }

  /** Issue 11: one user's token must not take every slot of an instance. */
  @Test
  void oneUserCannotTakeEverySlotOfTheInstance() throws Exception {
    String token = TestTokens.of("hog");
    try (WsClient first = WsClient.connect(base, token, FrameCodec.JSON)) {
      first.send(new Frame.Ping(1));
      first.next(Frame.Pong.class);
      try (WsClient second = WsClient.connect(base, token, FrameCodec.JSON)) {
        assertThat(second.awaitClose(Duration.ofSeconds(10))).isEqualTo(1013);
        assertThat(second.closeReason()).contains("too many connections for this user");
      }
      try (WsClient other = WsClient.connect(base, TestTokens.of("neighbour"), FrameCodec.JSON)) {
        other.send(new Frame.Ping(2));
        assertThat(other.next(Frame.Pong.class).ts()).isEqualTo(2);
      }
      first.send(new Frame.Ping(3)); // the first connection of the user lives on
      assertThat(first.next(Frame.Pong.class).ts()).isEqualTo(3);
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedInsteadOfGrowingMemory() throws Exception {
    double before = closes1013();
    try (WsClient slow = WsClient.connect(base, TestTokens.of("slow"), FrameCodec.JSON)) {
      slow.stopReading();
      String conversation = UUID.randomUUID().toString();
      slow.send(new Frame.Prompt(conversation, "m1", "flood me", null));
      String turnId = awaitTurn(conversation);
      // About 38 MB: far more than the socket buffers between the two can hold.
      String big = "x".repeat(128_000);
      FakeWorker worker = new FakeWorker(redis);
      for (int seq = 1; seq <= 300; seq++) {
        worker.write(new Frame.Delta(turnId, seq, big));
      }
      // The client reads nothing, so it cannot see the close frame: ask the server instead.
      // (The close frame itself waits behind the unread data, as TCP allows nothing else.)
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> closes1013() > before);
    }
  }

  @Test
  void aConnectionThatAnswersNothingIsClosed() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /ws/chat?access_token="
                  + TestTokens.of("mute")
                  + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(10_000);
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        assertThat(line).doesNotContain(" 4"); // the upgrade succeeded
      }
      // Read the server's pings, never answering: after three heartbeats it sends a close frame.
      int opcode = 0;
      while (opcode != 0x8) {
        opcode = in.readUnsignedByte() & 0x0F;
        int length = in.readUnsignedByte() & 0x7F;
        in.skipBytes(length);
      }
      assertThat(opcode).as("the server closed the silent connection").isEqualTo(0x8);
    }
  }

  private static String readLine(InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private double closes1013() {
    return meters.find("aicoder.ws.server.closes").tag("code", "1013").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  @Inject io.micrometer.core.instrument.MeterRegistry meters;

  private String awaitTurn(String conversation) {
    String[] turn = new String[1];
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var messages =
                  redis
                      .list(String.class)
                      .lrange(dev.aicoder.protocol.Keys.messages(conversation), 0, -1);
              if (messages.isEmpty()) {
                return false;
              }
              turn[0] = dev.aicoder.protocol.ChatMessage.fromJson(messages.get(0)).turnId();
              return true;
            });
    return turn[0];
  }
}
