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
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
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

  private PubSubCommands.RedisSubscriber listener;

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

  /** Collects what is published on the live channel from now on (until the test ends). */
  private Queue<String> listen() {
    long before = subscribers();
    Queue<String> published = new ConcurrentLinkedQueue<>();
    listener = redis.pubsub(String.class).subscribe(Keys.LIVE, published::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() > before);
    return published;
  }

  /** How many connections are subscribed to the live channel. */
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

  /** Writes an event to the turn's own stream only, as if its live message had been lost. */
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
   * One live message carries the events of a batch, of several turns. Published only, so nothing
   * but the subscription can bring them (a catch-up would find the turns' streams empty).
   */
  @Test
  void everyEventOfALiveMessageReachesItsTurn() throws Exception {
    try (WsClient ada = WsClient.connect(base, TestTokens.of("ada"), FrameCodec.JSON);
        WsClient bob = WsClient.connect(base, TestTokens.of("bob"), FrameCodec.JSON)) {
      ada.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String adas = ada.next(Frame.Accepted.class).turnId();
      bob.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String bobs = bob.next(Frame.Accepted.class).turnId();
      // The message is published only, so it must come after the tailer follows both turns (in
      // the product the turn's own stream has it too, and a catch-up finds it).
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> tailer.follows(adas) && tailer.follows(bobs));
      Frame.Delta toAda = new Frame.Delta(adas, 1, "for ada,\nover two lines");
      Frame.Delta toBob = new Frame.Delta(bobs, 1, "for bob");
      redis.execute(
          "PUBLISH",
          Keys.LIVE,
          String.join(
              "\n",
              adas,
              FrameCodec.toJson(toAda),
              newId(), // a turn nobody here follows
              FrameCodec.toJson(new Frame.Delta(newId(), 1, "for nobody")),
              bobs,
              FrameCodec.toJson(toBob)));
      assertThat(ada.next(Frame.Delta.class)).isEqualTo(toAda);
      assertThat(bob.next(Frame.Delta.class)).isEqualTo(toBob);
    }
  }

  @Test
  void aBatchOfEventsIsOneLiveMessage() {
    Queue<String> published = listen();
    String first = newId();
    String second = newId();
    redis.execute(
        "EVAL",
        TurnEvents.append(
            List.of(new Frame.Delta(first, 1, "one"), new Frame.Delta(second, 1, "two"))));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !published.isEmpty());
    assertThat(TurnEvents.live(published.poll()))
        .containsExactly(
            first,
            FrameCodec.toJson(new Frame.Delta(first, 1, "one")),
            second,
            FrameCodec.toJson(new Frame.Delta(second, 1, "two")));
  }

  @Test
  void aTurnWhoseEventsAreNeverPublishedStillEnds() throws Exception {
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
  void anAppendRedisRefusesPublishesNothing() {
    String turnId = newId();
    new FakeWorker(redis).deltas(turnId, 1, 2);
    Queue<String> published = listen();
    // A second writer of seq 2 (a worker that lost the turn to another): Redis refuses it.
    assertThatThrownBy(() -> new FakeWorker(redis).write(new Frame.Delta(turnId, 2, "again")))
        .hasMessageContaining("equal or smaller");
    String other = newId();
    new FakeWorker(redis).write(new Frame.Delta(other, 1, "next"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !published.isEmpty());
    assertThat(TurnEvents.live(published.poll())).as("the first message").startsWith(other);
  }

  /**
   * The subscription is dropped (Redis closed it, or restarted) while a turn streams: what was
   * published meanwhile is read from the turn's stream once the tailer has subscribed again, and
   * the client gets every event once, in order.
   */
  @Test
  void aLostSubscriptionIsMadeAgainAndNothingIsMissed() throws Exception {
    try (WsClient client = WsClient.connect(base, TestTokens.of("liv"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      new FakeWorker(redis).deltas(turnId, 1, 2);
      for (int seq = 1; seq <= 2; seq++) {
        assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      // The tailer's subscription, alone (a listener of another test may still be leaving).
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() == 1);

      redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
      // At once: the tailer subscribes again 500 ms later.
      assertThat(subscribers()).as("subscribers right after the kill").isZero();
      new FakeWorker(redis).deltas(turnId, 3, 5); // published to nobody
      new FakeWorker(redis).write(new Frame.Done(turnId, 6, new Frame.Usage(1, 5)));

      for (int seq = 3; seq <= 5; seq++) {
        assertThat(client.next(Frame.Delta.class).seq()).isEqualTo(seq);
      }
      assertThat(client.next()).isEqualTo(new Frame.Done(turnId, 6, new Frame.Usage(1, 5)));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() == 1);
    }
    // Live again: a new turn's events come by the subscription.
    try (WsClient client = WsClient.connect(base, TestTokens.of("liv"), FrameCodec.JSON)) {
      client.send(new Frame.Prompt(newId(), newId(), "hello", null));
      String turnId = client.next(Frame.Accepted.class).turnId();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tailer.follows(turnId));
      Frame.Delta delta = new Frame.Delta(turnId, 1, "live");
      redis.execute("PUBLISH", Keys.LIVE, turnId + "\n" + FrameCodec.toJson(delta));
      assertThat(client.next(Frame.Delta.class)).isEqualTo(delta);
    }
  }

  /**
   * Gaps read from the turn's stream while its live events keep coming (every fifth event misses
   * the live channel): the client still gets each event once, in order.
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
