package dev.aicoder.chat.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.chat.FakeWorker;
import dev.aicoder.fakellm.RawWebSocket;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ChatEndpointTest {

  /** Tokens are signed with the test key, published where the gateway would publish its own. */
  @org.junit.jupiter.api.BeforeEach
  void publishSigningKey() {
    TestTokens.publish("localhost", LocalRedisResource.redis().port());
  }

  @TestHTTPResource("/")
  URI base;

  @Inject RedisDataSource redis;

  private FakeWorker worker() {
    return new FakeWorker(redis);
  }

  /** Joins a conversation and waits until the server has handled the join. */
  private static void join(WsClient client, String conversation) throws InterruptedException {
    client.send(new Frame.Join(conversation));
    client.send(new Frame.Ping(1));
    client.next(Frame.Pong.class);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {FrameCodec.JSON, FrameCodec.MSGPACK})
  void promptStreamsBackInOrderAndEndsWithDone(String subprotocol) throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("alice"), subprotocol)) {
      client.send(new Frame.Prompt(newId(), "m1", "hello", null));
      Frame.Accepted accepted = client.next(Frame.Accepted.class);
      assertThat(worker().requests(accepted.turnId())).isEqualTo(1);
      assertThat(worker().request(accepted.turnId()).traceparent())
          .as("the request carries the prompt's trace to ai-streaming")
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");

      worker().deltas(accepted.turnId(), 1, 30);
      worker().write(new Frame.Done(accepted.turnId(), 31, new Frame.Usage(3, 30)));

      StringBuilder text = new StringBuilder();
      for (int seq = 1; seq <= 30; seq++) {
        Frame.Delta delta = client.next(Frame.Delta.class);
        assertThat(delta.seq()).isEqualTo(seq);
        text.append(delta.text());
      }
      assertThat(client.next())
          .isEqualTo(new Frame.Done(accepted.turnId(), 31, new Frame.Usage(3, 30)));
      assertThat(text.toString()).startsWith("d1 d2 ").endsWith("d30 ");
    }
  }

  @Test
  void everyViewerOfAConversationGetsTheSameEvents() throws Exception {
    String conversation = newId();
    try (WsClient a = WsClient.connect(base, TestTokens.of("bob"), FrameCodec.JSON);
        WsClient b = WsClient.connect(base, TestTokens.of("bob"), FrameCodec.MSGPACK)) {
      join(b, conversation); // the join is done
      a.send(new Frame.Prompt(conversation, "m1", "hi", null));
      String turnId = a.next(Frame.Accepted.class).turnId();
      worker().deltas(turnId, 1, 5);
      worker().write(new Frame.Done(turnId, 6, new Frame.Usage(1, 5)));
      for (WsClient client : new WsClient[] {a, b}) {
        for (int seq = 1; seq <= 5; seq++) {
          assertThat(client.next(Frame.Delta.class))
              .isEqualTo(new Frame.Delta(turnId, seq, FakeWorker.text(seq)));
        }
        assertThat(client.next(Frame.Done.class).seq()).isEqualTo(6);
      }
    }
  }

  @Test
  void resumeAfterADroppedConnectionLosesAndRepeatsNothing() throws Exception {
    String conversation = newId();
    String turnId;
    try (WsClient first = WsClient.connect(base, TestTokens.of("carol"), FrameCodec.JSON)) {
      first.send(new Frame.Prompt(conversation, "m1", "tell me", null));
      turnId = first.next(Frame.Accepted.class).turnId();
      worker().deltas(turnId, 1, 7);
      for (int seq = 1; seq <= 7; seq++) {
        first.next(Frame.Delta.class);
      }
    } // the connection drops here
    worker().deltas(turnId, 8, 12);
    try (WsClient second = WsClient.connect(base, TestTokens.of("carol"), FrameCodec.JSON)) {
      second.send(new Frame.Resume(turnId, 7));
      for (int seq = 8; seq <= 12; seq++) {
        assertThat(second.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      worker().deltas(turnId, 13, 20); // live again after the replay
      worker().write(new Frame.Done(turnId, 21, new Frame.Usage(1, 20)));
      for (int seq = 13; seq <= 20; seq++) {
        assertThat(second.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      assertThat(second.next()).isInstanceOf(Frame.Done.class);
    }
  }

  @Test
  void aViewerThatJoinedMidTurnCanResumeFromTheStart() throws Exception {
    String conversation = newId();
    try (WsClient author = WsClient.connect(base, TestTokens.of("kate"), FrameCodec.JSON);
        WsClient late = WsClient.connect(base, TestTokens.of("kate"), FrameCodec.JSON)) {
      author.send(new Frame.Prompt(conversation, "m1", "hello", null));
      String turnId = author.next(Frame.Accepted.class).turnId();
      worker().deltas(turnId, 1, 3);
      for (int seq = 1; seq <= 3; seq++) {
        author.next(Frame.Delta.class);
      }
      join(late, conversation);
      worker().deltas(turnId, 4, 4);
      assertThat(late.next(Frame.Delta.class).seq()).isEqualTo(4); // seen live first

      late.send(new Frame.Resume(turnId, 0)); // it has nothing before 4: it asks for all
      for (int seq = 1; seq <= 4; seq++) {
        assertThat(late.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      worker().deltas(turnId, 5, 5);
      worker().write(new Frame.Done(turnId, 6, new Frame.Usage(1, 5)));
      assertThat(late.next(Frame.Delta.class).seq()).isEqualTo(5);
      assertThat(late.next(Frame.Done.class).seq()).isEqualTo(6);
    }
  }

  @Test
  void theSameClientMessageTwiceMakesOneTurn() throws Exception {
    String conversation = newId();
    try (WsClient client = WsClient.connect(base, TestTokens.of("dave"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(conversation, "same", "once", null));
      String first = client.next(Frame.Accepted.class).turnId();
      client.send(new Frame.Prompt(conversation, "same", "once", null));
      String second = client.next(Frame.Accepted.class).turnId();
      assertThat(second).isEqualTo(first);
      assertThat(worker().requests(first)).isEqualTo(1);
    }
  }

  @Test
  void theFirstAcceptedPromptTitlesTheConversationAndARenameStays() throws Exception {
    String conversation = newId();
    var hashes = redis.hash(String.class);
    try (WsClient client = WsClient.connect(base, TestTokens.of("titler"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(conversation, "m1", "\n  Explain   hello.py\nin detail", null));
      client.next(Frame.Accepted.class);
      assertThat(hashes.hget(Keys.conversation(conversation), "title"))
          .isEqualTo("Explain hello.py");

      client.send(new Frame.Prompt(conversation, "m2", "a second question", null));
      client.next(Frame.Accepted.class);
      assertThat(hashes.hget(Keys.conversation(conversation), "title"))
          .isEqualTo("Explain hello.py");

      hashes.hset(Keys.conversation(conversation), "title", "Renamed"); // as the gateway does
      client.send(new Frame.Prompt(conversation, "m3", "a third one", null));
      client.next(Frame.Accepted.class);
      assertThat(hashes.hget(Keys.conversation(conversation), "title")).isEqualTo("Renamed");
    }
  }

  @Test
  void theClientIsToldWhenNoWorkerHasAFreeSlot() throws Exception {
    String now = Long.toString(System.currentTimeMillis());
    try (WsClient client =
        WsClient.connect(base, TestTokens.of("queue-watcher"), FrameCodec.JSON)) {
      redis.hash(String.class).hset(Keys.WORKERS, Map.of("busy-worker", "0:" + now));
      client.send(new Frame.Prompt(newId(), "m1", "wait for me", null));
      assertThat(client.next(Frame.Accepted.class).queued()).isTrue();

      redis.hash(String.class).hset(Keys.WORKERS, "idle-worker", "4:" + now);
      client.send(new Frame.Prompt(newId(), "m2", "go now", null));
      assertThat(client.next(Frame.Accepted.class).queued()).isFalse();
    } finally {
      redis.key().del(Keys.WORKERS);
    }
  }

  @Test
  void cancelMarksTheTurnForItsWorker() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("erin"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), "m1", "long", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      client.send(new Frame.Cancel(turnId));
      client.send(new Frame.Ping(2));
      client.next(Frame.Pong.class);
      assertThat(redis.key().exists(Keys.cancelled(turnId))).isTrue();
    }
  }

  @Test
  void badFramesGetErrorsAndTheConnectionSurvives() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("frank"), FrameCodec.JSON)) {
      client.sendText("{not json");
      assertThat(client.next(Frame.Error.class).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
      client.sendText("{\"type\":\"teleport\"}");
      assertThat(client.next(Frame.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
      client.sendText(
          "{\"type\":\"prompt\",\"conversationId\":\"../x\",\"clientMsgId\":\"m\",\"text\":\"t\"}");
      assertThat(client.next(Frame.Error.class).code()).isEqualTo(ErrorCode.INVALID_FRAME);
      client.send(new Frame.Delta(newId(), 1, "clients cannot send this"));
      assertThat(client.next(Frame.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
      client.send(new Frame.Ping(3));
      assertThat(client.next()).isEqualTo(new Frame.Pong(3));
    }
  }

  @Test
  void someoneElsesConversationIsForbidden() throws Exception {
    String conversation = newId();
    try (WsClient owner = WsClient.connect(base, TestTokens.of("gina"), FrameCodec.JSON);
        WsClient other = WsClient.connect(base, TestTokens.of("hank"), FrameCodec.JSON)) {
      // The first prompt makes the conversation the owner's.
      owner.send(new Frame.Prompt(conversation, "m1", "mine", null));
      String turnId = owner.next(Frame.Accepted.class).turnId();
      other.send(new Frame.Join(conversation));
      assertThat(other.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      other.send(new Frame.Prompt(conversation, "sneak", "let me in", null));
      assertThat(other.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);

      // The owner's answer reaches the owner, and nothing of it reaches the refused user.
      worker().deltas(turnId, 1, 1);
      owner.next(Frame.Delta.class);
      other.send(new Frame.Ping(9));
      assertThat(other.next()).isEqualTo(new Frame.Pong(9));

      // Nor can the other user read or stop the owner's answer by its id.
      other.send(new Frame.Resume(turnId, 0));
      assertThat(other.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      other.send(new Frame.Cancel(turnId));
      assertThat(other.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(redis.value(String.class).get(Keys.cancelled(turnId))).isNull();
    }
  }

  @Test
  void teammatesWatchASharedConversationButOnlyTheOwnerPromptsAndStops() throws Exception {
    String conversation = newId();
    String team = UUID.randomUUID().toString().substring(0, 8);
    try (WsClient owner = WsClient.connect(base, TestTokens.of("lena"), FrameCodec.JSON);
        WsClient mate = WsClient.connect(base, TestTokens.of("mike"), FrameCodec.JSON);
        WsClient stranger = WsClient.connect(base, TestTokens.of("nora"), FrameCodec.JSON)) {
      owner.send(new Frame.Prompt(conversation, "m0", "a first question", null));
      owner.next(Frame.Accepted.class); // the conversation exists: the gateway can share it
      // What the gateway does when the owner shares the conversation with their team.
      redis.hash(String.class).hset(Keys.conversation(conversation), "team", team);
      redis.set(String.class).sadd(AuthKeys.teamMembers(team), "lena", "mike");
      join(mate, conversation);
      stranger.send(new Frame.Join(conversation));
      assertThat(stranger.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);

      owner.send(new Frame.Prompt(conversation, "m1", "explain this", null));
      String turnId = owner.next(Frame.Accepted.class).turnId();
      worker().deltas(turnId, 1, 2);
      assertThat(mate.next(Frame.Delta.class))
          .isEqualTo(new Frame.Delta(turnId, 1, FakeWorker.text(1)));
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(2);
      // A teammate who missed the start can replay it; they cannot stop it or prompt.
      mate.send(new Frame.Resume(turnId, 0));
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(1);
      mate.send(new Frame.Cancel(turnId));
      assertThat(mate.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(redis.value(String.class).get(Keys.cancelled(turnId))).isNull();
      mate.send(new Frame.Prompt(conversation, "m2", "my question", null));
      assertThat(mate.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      // Someone outside the team cannot replay it by its id.
      stranger.send(new Frame.Resume(turnId, 0));
      assertThat(stranger.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }
  }

  /** Issue 11 row 2: a bin32 header announcing 2 GB in a 5-byte frame. */
  @Test
  void aMessagePackLengthBombGetsAnErrorWhileAnotherUsersTurnStreams() throws Exception {
    byte[] bomb = {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
    try (WsClient author = WsClient.connect(base, TestTokens.of("olga"), FrameCodec.MSGPACK);
        WsClient attacker = WsClient.connect(base, TestTokens.of("mallet"), FrameCodec.MSGPACK)) {
      author.send(new Frame.Prompt(newId(), "m1", "keep streaming", null));
      String turnId = author.next(Frame.Accepted.class).turnId();
      worker().deltas(turnId, 1, 3);
      for (int round = 0; round < 5; round++) { // per frame, again and again
        attacker.sendBinary(bomb);
        Frame.Error error = attacker.next(Frame.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(error.message()).contains("announces");
        worker().deltas(turnId, 4 + round, 4 + round);
      }
      worker().write(new Frame.Done(turnId, 9, new Frame.Usage(1, 8)));
      for (int seq = 1; seq <= 8; seq++) {
        assertThat(author.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      assertThat(author.next(Frame.Done.class).seq()).isEqualTo(9);
      attacker.send(new Frame.Ping(11));
      assertThat(attacker.next()).isEqualTo(new Frame.Pong(11));
    }
  }

  /** Issue 11 row 3: a context entry of null (or missing its parts) is refused, not queued. */
  @Test
  void aPromptWithABrokenContextIsRefusedAndQueuesNothing() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("pete"), FrameCodec.JSON)) {
      for (String context :
          new String[] {
            "[null]",
            "[{\"path\":\"a.java\"}]",
            "[{\"path\":\"../../etc/passwd\",\"workspaceId\":\"w1\"}]"
          }) {
        String conversation = newId();
        client.sendText(
            "{\"type\":\"prompt\",\"conversationId\":\""
                + conversation
                + "\",\"clientMsgId\":\"m1\",\"text\":\"hi\",\"context\":"
                + context
                + "}");
        Frame.Error error = client.next(Frame.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FRAME);
        assertThat(error.message()).startsWith("context[0]");
        assertThat(redis.key().exists(Keys.conversation(conversation))).isFalse();
      }
      client.send(new Frame.Ping(12));
      assertThat(client.next()).isEqualTo(new Frame.Pong(12));
    }
  }

  /**
   * A browser sends a message as one frame: the longest prompt allowed fits in one. Its offer of
   * permessage-deflate is declined (a compressor per connection for frames of 100 bytes).
   */
  @Test
  void theLongestPromptAllowedIsAcceptedInOneFrame() throws Exception {
    String text = "é".repeat(dev.aicoder.protocol.Limits.MAX_PROMPT_CHARS); // 200,000 bytes
    try (RawWebSocket client = new RawWebSocket(base, TestTokens.of("long-prompt"))) {
      assertThat(client.extensions()).as("permessage-deflate, offered as browsers do").isNull();
      client.sendText(FrameCodec.toJson(new Frame.Prompt(newId(), "m1", text, null)));
      Frame accepted = FrameCodec.fromJson(client.nextText());
      assertThat(accepted).isInstanceOf(Frame.Accepted.class);
      assertThat(worker().request(((Frame.Accepted) accepted).turnId()).text()).isEqualTo(text);
    }
  }

  @Test
  void oversizeFrameClosesWith1009() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("ivan"), FrameCodec.JSON)) {
      client.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(300_000) + "\"}");
      assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1009);
    }
    try (WsClient client = WsClient.connect(base, TestTokens.of("ivan"), FrameCodec.JSON)) {
      client.send(new Frame.Ping(4));
      assertThat(client.next()).isEqualTo(new Frame.Pong(4));
    }
  }

  @Test
  void aConnectionWithoutAValidTokenIsClosedWith1008() throws Exception {
    String signedOut = TestTokens.of("leaver");
    TestTokens.revoke("localhost", LocalRedisResource.redis().port(), signedOut);
    String forged = TestTokens.of("mallory").replaceFirst("\\.[^.]+\\.", ".e30.");
    for (String token :
        java.util.Arrays.asList(null, "alice", forged, TestTokens.expired("old"), signedOut)) {
      try (WsClient client = WsClient.connect(base, token, FrameCodec.JSON)) {
        assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
      }
    }
  }

  @Test
  void anOpenConnectionIsClosedWhenItsTokenIsSignedOutOrExpires() throws Exception {
    String token = TestTokens.of("quitter");
    try (WsClient signedOut = WsClient.connect(base, token, FrameCodec.JSON);
        WsClient expiring =
            WsClient.connect(
                base, TestTokens.lasting("brief", Duration.ofSeconds(2)), FrameCodec.JSON)) {
      join(signedOut, UUID.randomUUID().toString());
      join(expiring, UUID.randomUUID().toString());
      TestTokens.revoke("localhost", LocalRedisResource.redis().port(), token);
      assertThat(signedOut.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
      assertThat(expiring.awaitClose(Duration.ofSeconds(10))).isEqualTo(1008);
    }
  }

  /** Sends a ping and reads until its pong (true) or a rate-limit error (false). */
  private static boolean answersPing(WsClient client) throws InterruptedException {
    long ts = System.nanoTime();
    client.send(new Frame.Ping(ts));
    while (true) {
      Frame frame = client.next();
      if (frame instanceof Frame.Pong pong && pong.ts() == ts) {
        return true;
      }
      if (frame instanceof Frame.Error e && ErrorCode.RATE_LIMITED.equals(e.code())) {
        return false;
      }
    }
  }

  @Test
  void aFloodOfPromptsIsRateLimited() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("judy"), FrameCodec.JSON)) {
      String conversation = newId();
      // More than twice the per-minute limit, so a minute boundary mid-flood cannot hide it.
      int flood = 2 * 30 + 10;
      for (int i = 0; i < flood; i++) {
        client.send(new Frame.Prompt(conversation, "flood-" + i, "again", null));
      }
      boolean limited = false;
      for (int i = 0; i < flood && !limited; i++) {
        Frame frame = client.next();
        limited = frame instanceof Frame.Error e && ErrorCode.RATE_LIMITED.equals(e.code());
      }
      assertThat(limited).isTrue();
      // The connection survives: once its budget refills, a ping gets its pong.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> answersPing(client));
    }
  }
}
