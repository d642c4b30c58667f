package dev.aicoder.chat.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aicoder.chat.FakeWorker;
import dev.aicoder.chat.service.Viewers;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one instance's tailer does with turns it did not accept (announced by another instance) and
 * with turns that are gone (expired), seen through a real socket and a real Redis.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class TurnTailerTest {

  @TestHTTPResource("/")
  URI base;

  @Inject RedisDataSource redis;
  @Inject TurnTailer tailer;
  @Inject Viewers viewers;
  @Inject Vertx vertx;

  @BeforeEach
  void publishSigningKey() {
    TestTokens.publish("localhost", LocalRedisResource.redis().port());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static void handled(WsClient client, Frame frame) throws InterruptedException {
    client.send(frame);
    client.send(new Frame.Ping(1));
    assertThat(client.next()).as("what came before the pong").isInstanceOf(Frame.Pong.class);
  }

  /** What another instance's accept writes: the claim, the empty turn stream, the announcement. */
  private void acceptedElsewhere(String conversationId, String turnId, String user) {
    claimedElsewhere(conversationId, turnId, user);
    announced(conversationId, turnId, user);
  }

  private void claimedElsewhere(String conversationId, String turnId, String user) {
    redis.hash(String.class).hset(Keys.conversation(conversationId), "owner", user);
    redis.value(String.class).set(Keys.turnOwner(turnId), user + " " + conversationId);
    redis.execute("XGROUP", "CREATE", Keys.turn(turnId), "created", "$", "MKSTREAM");
  }

  private void announced(String conversationId, String turnId, String user) {
    redis.execute(
        "XADD",
        Keys.ANNOUNCED,
        "*",
        "turn",
        turnId,
        "conversation",
        conversationId,
        "author",
        user,
        "from",
        "another-instance");
  }

  @Test
  void aTurnAcceptedByAnotherInstanceReachesTheViewersHere() throws Exception {
    String conversation = newId();
    String turnId = newId();
    try (WsClient viewer = WsClient.connect(base, TestTokens.of("ida"), FrameCodec.JSON)) {
      handled(viewer, new Frame.Join(conversation));
      acceptedElsewhere(conversation, turnId, "ida");
      new FakeWorker(redis).deltas(turnId, 1, 3);
      new FakeWorker(redis).write(new Frame.Done(turnId, 4, new Frame.Usage(1, 3)));
      for (int seq = 1; seq <= 3; seq++) {
        assertThat(viewer.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      assertThat(viewer.next()).isEqualTo(new Frame.Done(turnId, 4, new Frame.Usage(1, 3)));
    }
    // The last viewer left: a turn announced now is not followed here. Announcements are read in
    // order, so once a later one (of a conversation still watched) is followed, this one was
    // passed.
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> viewers.of(conversation).isEmpty());
    String unwatchedTurn = newId();
    acceptedElsewhere(conversation, unwatchedTurn, "ida");
    String other = newId();
    String watchedTurn = newId();
    try (WsClient viewer = WsClient.connect(base, TestTokens.of("ida"), FrameCodec.JSON)) {
      handled(viewer, new Frame.Join(other));
      acceptedElsewhere(other, watchedTurn, "ida");
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tailer.follows(watchedTurn));
      assertThat(tailer.follows(unwatchedTurn)).isFalse();
    }
  }

  @Test
  void aTurnFollowedOnlyForWhoResumedItReachesTheViewersOnceAnnounced() throws Exception {
    String conversation = newId();
    String turnId = newId();
    try (WsClient resumer = WsClient.connect(base, TestTokens.of("kim"), FrameCodec.JSON);
        WsClient viewer = WsClient.connect(base, TestTokens.of("kim"), FrameCodec.JSON)) {
      handled(viewer, new Frame.Join(conversation));
      claimedElsewhere(conversation, turnId, "kim");
      new FakeWorker(redis).deltas(turnId, 1, 1);
      resumer.send(new Frame.Resume(turnId, 0)); // learnt of it before this instance did
      assertThat(resumer.next(Frame.Delta.class).seq()).isEqualTo(1);

      announced(conversation, turnId, "kim");
      assertThat(viewer.next(Frame.Delta.class).seq()).as("what it missed").isEqualTo(1);
      new FakeWorker(redis).deltas(turnId, 2, 2);
      for (WsClient client : new WsClient[] {resumer, viewer}) {
        assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(2);
      }
    }
  }

  @Test
  void resumingAnExpiredTurnSaysSoAndFollowsNothing() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("jon"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      new FakeWorker(redis).deltas(turnId, 1, 2);
      new FakeWorker(redis).write(new Frame.Done(turnId, 3, new Frame.Usage(1, 2)));
      client.next(Frame.Done.class);
      redis.key().del(Keys.turn(turnId)); // its retention ran out

      client.send(new Frame.Resume(turnId, 1));
      Frame.Error error = client.next(Frame.Error.class);
      assertThat(error.turnId()).isEqualTo(turnId);
      assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(error.message()).contains("no longer kept");
      client.send(new Frame.Ping(2));
      assertThat(client.next()).as("nothing else came").isInstanceOf(Frame.Pong.class);
      assertThat(tailer.follows(turnId)).as("a tail left behind").isFalse();
    }
  }

  /** Writes an event to the turn's own stream only, as if its live entry had been trimmed. */
  private void writtenWithoutLive(Frame.TurnEvent event) {
    redis.execute(
        "XADD",
        Keys.turn(event.turnId()),
        Keys.entryId(event.seq()),
        Keys.EVENT_FIELD,
        FrameCodec.toJson(event));
  }

  @Test
  void aLiveEventThatSkipsAheadBringsWhatWasMissedFirst() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("lea"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      writtenWithoutLive(new Frame.Delta(turnId, 1, FakeWorker.text(1)));
      writtenWithoutLive(new Frame.Delta(turnId, 2, FakeWorker.text(2)));
      new FakeWorker(redis).deltas(turnId, 3, 3);
      for (int seq = 1; seq <= 3; seq++) {
        assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
    }
  }

  /**
   * One live entry carries the events of a batch, of several turns. Written to the live stream
   * only, so nothing but the live read can bring them (a catch-up would find the turns' streams
   * empty).
   */
  @Test
  void everyEventOfALiveEntryReachesItsTurn() throws Exception {
    try (WsClient ada = WsClient.connect(base, TestTokens.of("ada"), FrameCodec.JSON);
        WsClient bob = WsClient.connect(base, TestTokens.of("bob"), FrameCodec.JSON)) {
      ada.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String adas = ada.next(Frame.Accepted.class).turnId();
      bob.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String bobs = bob.next(Frame.Accepted.class).turnId();
      // The entry is written to the live stream only, so it must come after the tailer follows
      // both turns (in the product the turn's own stream has it too, and a catch-up finds it).
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> tailer.follows(adas) && tailer.follows(bobs));
      Frame.Delta toAda = new Frame.Delta(adas, 1, "for ada");
      Frame.Delta toBob = new Frame.Delta(bobs, 1, "for bob");
      redis.execute(
          "XADD",
          Keys.LIVE,
          "*",
          Keys.LIVE_TURN_FIELD,
          adas,
          Keys.EVENT_FIELD,
          FrameCodec.toJson(toAda),
          Keys.LIVE_TURN_FIELD,
          newId(), // a turn nobody here follows
          Keys.EVENT_FIELD,
          FrameCodec.toJson(new Frame.Delta(newId(), 1, "for nobody")),
          Keys.LIVE_TURN_FIELD,
          bobs,
          Keys.EVENT_FIELD,
          FrameCodec.toJson(toBob));
      assertThat(ada.next(Frame.Delta.class)).isEqualTo(toAda);
      assertThat(bob.next(Frame.Delta.class)).isEqualTo(toBob);
    }
  }

  @Test
  void aBatchOfEventsIsOneLiveEntry() {
    String first = newId();
    String second = newId();
    redis.execute(
        "EVAL",
        TurnEvents.append(
            List.of(new Frame.Delta(first, 1, "one"), new Frame.Delta(second, 1, "two"))));
    assertThat(redis.execute("XREVRANGE", Keys.LIVE, "+", "-", "COUNT", "1").toString())
        .as("the newest entry")
        .contains(first)
        .contains(second);
  }

  /** The live stream is trimmed by age: entries from long ago go with the next append. */
  @Test
  void theLiveStreamKeepsRecentEntriesOnly() {
    String live = "test:live:" + newId();
    for (int i = 1; i <= 300; i++) {
      redis.execute("XADD", live, "1000-" + i, Keys.LIVE_TURN_FIELD, "old", Keys.EVENT_FIELD, "{}");
    }
    String turnId = newId();
    String[] args = TurnEvents.append(new Frame.Delta(turnId, 1, "new"));
    args[2] = live; // the script's first key is the live stream
    redis.execute("EVAL", args);
    long left = redis.stream(String.class).xlen(live);
    assertThat(left).as("entries left of 301").isLessThan(150);
    assertThat(redis.execute("XREVRANGE", live, "+", "-", "COUNT", "1").toString())
        .contains(turnId);
  }

  @Test
  void aTurnWhoseEventsNeverReachTheLiveStreamStillEnds() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("max"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      writtenWithoutLive(new Frame.Delta(turnId, 1, FakeWorker.text(1)));
      writtenWithoutLive(new Frame.Done(turnId, 2, new Frame.Usage(1, 1)));
      assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(1);
      assertThat(client.next()).isEqualTo(new Frame.Done(turnId, 2, new Frame.Usage(1, 1)));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !tailer.follows(turnId));
    }
  }

  @Test
  void anAppendRedisRefusesAddsNothingToTheLiveStream() {
    String turnId = newId();
    new FakeWorker(redis).deltas(turnId, 1, 2);
    long live = redis.stream(String.class).xlen(Keys.LIVE);
    // A second writer of seq 2 (a worker that lost the turn to another): Redis refuses it.
    assertThatThrownBy(() -> new FakeWorker(redis).write(new Frame.Delta(turnId, 2, "again")))
        .hasMessageContaining("equal or smaller");
    assertThat(redis.stream(String.class).xlen(Keys.LIVE)).isEqualTo(live);
  }

  /**
   * Gaps read from the turn's stream while its live events keep coming (every fifth event misses
   * the live stream): the client still gets each event once, in order.
   */
  @Test
  void eventsThatComeWhileAGapIsReadArriveOnceAndInOrder() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("ned"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      int events = 300;
      for (int seq = 1; seq <= events; seq++) {
        Frame.Delta delta = new Frame.Delta(turnId, seq, FakeWorker.text(seq));
        if (seq % 5 == 0) {
          writtenWithoutLive(delta);
        } else {
          new FakeWorker(redis).write(delta);
        }
      }
      new FakeWorker(redis).write(new Frame.Done(turnId, events + 1, new Frame.Usage(1, events)));
      for (int seq = 1; seq <= events; seq++) {
        assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      assertThat(client.next(Frame.Done.class).seq()).isEqualTo(events + 1);
    }
  }

  /**
   * By default chat-websocket has one event loop, and the tailer runs on it: every socket's frames
   * are written where the tailer read their events, with no hand-off to another loop.
   */
  @Test
  void theTailerSharesTheOneEventLoopOfTheSockets() throws Exception {
    List<EventExecutor> loops = new ArrayList<>();
    vertx.nettyEventLoopGroup().forEach(loops::add);
    assertThat(loops).as("event loops").hasSize(1);
    CompletableFuture<Boolean> onIt = new CompletableFuture<>();
    tailer.context().runOnContext(v -> onIt.complete(loops.get(0).inEventLoop()));
    assertThat(onIt.get(5, TimeUnit.SECONDS)).as("the tailer on that loop").isTrue();
  }
}
