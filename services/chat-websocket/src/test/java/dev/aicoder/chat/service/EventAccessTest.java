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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access checks that do not wait for the periodic re-check (switched off here): a resume, and
 * the start of a turn, each check who may see it at that moment.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(EventAccessTest.NoPeriodicCheck.class)
class EventAccessTest {

  /** The periodic re-check out of the way, so only the checks under test act. */
  public static class NoPeriodicCheck implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.chat.access-check", "1h");
    }
  }

  @TestHTTPResource("/")
  URI base;

  @Inject RedisDataSource redis;

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

  private static String prompt(WsClient owner, String conversation) throws InterruptedException {
    owner.send(new Frame.Prompt(conversation, newId(), "question", null));
    return owner.next(Frame.Accepted.class).turnId();
  }

  /** Pings and asserts that nothing but the pong came back. */
  private static void assertNothingMore(WsClient client, long ts) throws InterruptedException {
    client.send(new Frame.Ping(ts));
    assertThat(client.next()).isEqualTo(new Frame.Pong(ts));
  }

  @Test
  void whoJoinedANewConversationBeforeItsOwnerIsDroppedWhenTheFirstTurnStarts() throws Exception {
    String conversation = newId();
    try (WsClient early = WsClient.connect(base, TestTokens.of("eve"), FrameCodec.JSON);
        WsClient owner = WsClient.connect(base, TestTokens.of("fay"), FrameCodec.JSON)) {
      early.send(new Frame.Join(conversation));
      assertNothingMore(early, 1);
      String turnId = prompt(owner, conversation);
      worker().deltas(turnId, 1, 2);
      worker().write(new Frame.Done(turnId, 3, new Frame.Usage(1, 2)));
      assertThat(owner.next(Frame.Done.class).seq()).isEqualTo(3);
      assertThat(early.next()).isInstanceOf(Frame.Error.class);
      assertNothingMore(early, 2);
    }
  }

  @Test
  void aResumeAndTheNextTurnCheckAccessAgain() throws Exception {
    String conversation = newId();
    String team = "t-" + newId().substring(0, 8);
    try (WsClient owner = WsClient.connect(base, TestTokens.of("gus"), FrameCodec.JSON);
        WsClient mate = WsClient.connect(base, TestTokens.of("hal"), FrameCodec.JSON)) {
      String first = prompt(owner, conversation);
      redis.set(String.class).sadd(AuthKeys.teamMembers(team), "gus", "hal");
      redis.hash(String.class).hset(Keys.conversation(conversation), "team", team);
      mate.send(new Frame.Join(conversation));
      assertNothingMore(mate, 1);

      redis.hash(String.class).hdel(Keys.conversation(conversation), "team"); // unshared
      mate.send(new Frame.Resume(first, 0));
      assertThat(mate.next(Frame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);

      String second = prompt(owner, conversation);
      Frame.Error dropped = mate.next(Frame.Error.class);
      assertThat(dropped.message()).contains("no longer shared");
      worker().deltas(second, 1, 1);
      assertThat(owner.next(Frame.Delta.class).turnId()).isEqualTo(second);
      assertNothingMore(mate, 2);
    }
  }
}
