package dev.aicoder.chat.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.chat.FakeWorker;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access to a conversation is checked after the join too (issue 11): unsharing or deleting it drops
 * its viewers within the access-check time (300 ms in tests), a resume checks again, and a deleted
 * id is nobody's to claim. Joins of conversations that do not exist write nothing.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class AccessTest {

  @TestHTTPResource("/")
  URI base;

  @Inject RedisDataSource redis;
  @Inject Viewers viewers;

  @BeforeEach
  void publishSigningKey() {
    TestTokens.publish("localhost", LocalRedisResource.redis().port());
  }

  private FakeWorker worker() {
    return new FakeWorker(redis);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  /** Sends a frame, then a ping, and returns what came back before the pong. */
  private static List<Frame> answersTo(WsClient client, Frame frame) throws InterruptedException {
    client.send(frame);
    return before(client, 77);
  }

  /** Pings and returns every frame that arrived before the pong. */
  private static List<Frame> before(WsClient client, long ts) throws InterruptedException {
    client.send(new Frame.Ping(ts));
    List<Frame> frames = new java.util.ArrayList<>();
    for (Frame f = client.next(); !f.equals(new Frame.Pong(ts)); f = client.next()) {
      frames.add(f);
    }
    return frames;
  }

  /** What the gateway does when the owner shares it with a team of these members. */
  private void share(String conversation, String... members) {
    String team = "t-" + newId().substring(0, 8);
    redis.set(String.class).sadd(AuthKeys.teamMembers(team), members);
    redis.hash(String.class).hset(Keys.conversation(conversation), "team", team);
  }

  /** What the gateway's delete does: the tombstone first, then the conversation's keys. */
  private void delete(String conversation, String owner) {
    redis
        .value(String.class)
        .setex(
            Keys.deletedConversation(conversation), Keys.DELETED_CONVERSATION_TTL_SECONDS, owner);
    redis.key().del(Keys.conversation(conversation), Keys.messages(conversation));
  }

  private static String claim(WsClient owner, String conversation) throws InterruptedException {
    owner.send(new Frame.Prompt(conversation, newId(), "question", null));
    return owner.next(Frame.Accepted.class).turnId();
  }

  @Test
  void aTeammateStopsReceivingOnceTheConversationIsUnshared() throws Exception {
    String conversation = newId();
    try (WsClient owner = WsClient.connect(base, TestTokens.of("ula"), FrameCodec.JSON);
        WsClient mate = WsClient.connect(base, TestTokens.of("vic"), FrameCodec.JSON)) {
      claim(owner, conversation);
      share(conversation, "ula", "vic");
      assertThat(answersTo(mate, new Frame.Join(conversation))).isEmpty();
      String turnId = claim(owner, conversation);
      worker().deltas(turnId, 1, 2);
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(1);
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(2);

      // The gateway's PATCH with teamId "": the team is gone from the conversation.
      redis.hash(String.class).hdel(Keys.conversation(conversation), "team");
      Frame.Error lost = mate.next(Frame.Error.class);
      assertThat(lost.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(lost.message()).contains(conversation).contains("no longer shared");

      worker().deltas(turnId, 3, 4);
      owner.next(Frame.Delta.class);
      owner.next(Frame.Delta.class);
      owner.next(Frame.Delta.class);
      assertThat(owner.next(Frame.Delta.class).seq()).isEqualTo(4);
      assertThat(before(mate, 1)).as("nothing after the unshare").isEmpty();
      List<Frame> resumed = answersTo(mate, new Frame.Resume(turnId, 0));
      assertThat(resumed).hasSize(1);
      assertThat(((Frame.Error) resumed.get(0)).code()).isEqualTo(ErrorCode.FORBIDDEN);
      List<Frame> joined = answersTo(mate, new Frame.Join(conversation));
      assertThat(joined).hasSize(1);
      assertThat(((Frame.Error) joined.get(0)).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void aTeammateWhoOnlyResumedATurnStopsReceivingItOnceUnshared() throws Exception {
    String conversation = newId();
    try (WsClient owner = WsClient.connect(base, TestTokens.of("wes"), FrameCodec.JSON);
        WsClient mate = WsClient.connect(base, TestTokens.of("xia"), FrameCodec.MSGPACK)) {
      String turnId = claim(owner, conversation);
      share(conversation, "wes", "xia");
      worker().deltas(turnId, 1, 1);
      mate.send(new Frame.Resume(turnId, 0));
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(1);
      worker().deltas(turnId, 2, 2);
      assertThat(mate.next(Frame.Delta.class).seq()).isEqualTo(2);

      redis.set(String.class).srem(teamOf(conversation), "xia"); // xia left the team
      assertThat(mate.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      worker().deltas(turnId, 3, 3);
      assertThat(owner.next(Frame.Delta.class).seq()).isEqualTo(1);
      owner.next(Frame.Delta.class);
      assertThat(owner.next(Frame.Delta.class).seq()).isEqualTo(3);
      assertThat(before(mate, 2)).isEmpty();
    }
  }

  @Test
  void aDeletedConversationDropsItsViewersAndItsIdCannotBeClaimed() throws Exception {
    String conversation = newId();
    try (WsClient owner = WsClient.connect(base, TestTokens.of("yan"), FrameCodec.JSON);
        WsClient mate = WsClient.connect(base, TestTokens.of("zoe"), FrameCodec.JSON);
        WsClient stranger = WsClient.connect(base, TestTokens.of("abe"), FrameCodec.JSON)) {
      String turnId = claim(owner, conversation);
      share(conversation, "yan", "zoe");
      assertThat(answersTo(mate, new Frame.Join(conversation))).isEmpty();
      worker().deltas(turnId, 1, 1);
      owner.next(Frame.Delta.class);
      mate.next(Frame.Delta.class);

      delete(conversation, "yan");
      Frame.Error gone = mate.next(Frame.Error.class);
      assertThat(gone.code()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(gone.message()).contains("deleted");
      // Both are dropped; the owner, who deleted it, is not told of their own delete.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> viewers.of(conversation).isEmpty());
      assertThat(before(owner, 7)).as("what the owner got after deleting").isEmpty();
      worker().deltas(turnId, 2, 2);
      for (WsClient client : List.of(owner, mate)) {
        assertThat(before(client, 3)).as("nothing after the delete").isEmpty();
        assertThat(refusals(client, new Frame.Resume(turnId, 0))).containsExactly("not_found");
      }
      for (WsClient client : List.of(owner, mate, stranger)) {
        assertThat(refusals(client, new Frame.Join(conversation))).containsExactly("not_found");
        assertThat(refusals(client, new Frame.Prompt(conversation, newId(), "mine now?", null)))
            .containsExactly("not_found");
      }
      assertThat(redis.key().exists(Keys.conversation(conversation))).isFalse();

      // An answer that ends after the delete writes to the conversation again, without an owner:
      // still nobody's, even once the tombstone is gone.
      redis.hash(String.class).hincrby(Keys.conversation(conversation), "appended", 1);
      redis.key().del(Keys.deletedConversation(conversation));
      assertThat(refusals(stranger, new Frame.Prompt(conversation, newId(), "and now?", null)))
          .containsExactly("not_found");
    }
  }

  @Test
  void whoJoinedAConversationBeforeItsOwnerClaimedItGetsNothingOfIt() throws Exception {
    String conversation = newId();
    try (WsClient owner = WsClient.connect(base, TestTokens.of("bea"), FrameCodec.JSON);
        WsClient early = WsClient.connect(base, TestTokens.of("cid"), FrameCodec.JSON)) {
      assertThat(answersTo(early, new Frame.Join(conversation))).isEmpty(); // nobody's yet
      String turnId = claim(owner, conversation);
      assertThat(early.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
      worker().deltas(turnId, 1, 2);
      owner.next(Frame.Delta.class);
      assertThat(owner.next(Frame.Delta.class).seq()).isEqualTo(2);
      assertThat(before(early, 4)).isEmpty();
    }
  }

  @Test
  void joiningConversationsThatDoNotExistWritesNothingToRedis() throws Exception {
    Set<String> before = new HashSet<>(redis.key().keys("*"));
    List<String> ids = new java.util.ArrayList<>();
    // Five users of twenty joins each: within one connection's burst of frames.
    for (int user = 0; user < 5; user++) {
      try (WsClient client = WsClient.connect(base, TestTokens.of("dee" + user), FrameCodec.JSON)) {
        for (int i = 0; i < 20; i++) {
          String id = newId();
          ids.add(id);
          client.send(new Frame.Join(id));
        }
        assertThat(before(client, 5)).as("every join is fine").isEmpty();
      }
    }
    Set<String> added = new HashSet<>(redis.key().keys("*"));
    added.removeAll(before);
    assertThat(added.stream().filter(k -> redis.key().ttl(k) < 0))
        .as("new keys without a TTL")
        .isEmpty();
    assertThat(ids.stream().filter(id -> redis.key().exists(Keys.conversation(id)))).isEmpty();
  }

  private String teamOf(String conversation) {
    return AuthKeys.teamMembers(
        redis.hash(String.class).hget(Keys.conversation(conversation), "team"));
  }

  /** The codes of the errors a frame got (before a ping's pong). */
  private static List<String> refusals(WsClient client, Frame frame) throws InterruptedException {
    return answersTo(client, frame).stream()
        .map(f -> f instanceof Frame.Error e ? e.code() : f.getClass().getSimpleName())
        .toList();
  }
}
