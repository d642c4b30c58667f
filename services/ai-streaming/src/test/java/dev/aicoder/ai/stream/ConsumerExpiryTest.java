package dev.aicoder.ai.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: consumers of workers that are gone are removed from the group (1 s idle in tests), but
 * never while they hold a request nobody has claimed yet, since that request would be lost.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class ConsumerExpiryTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);

  @Inject RedisDataSource redis;
  @Inject RequestConsumer requests;

  @Test
  void aConsumerThatStoppedIsRemovedAndALiveOneStays() {
    new TurnStreams(redis).awaitGroup();
    redis.execute("XGROUP", "CREATECONSUMER", Keys.REQUESTS, Keys.GROUP, "gone-worker");
    redis.execute("XGROUP", "CREATECONSUMER", Keys.REQUESTS, Keys.GROUP, "quiet-worker");
    redis.hash(String.class).hset(Keys.WORKERS, "gone-worker", "4:0");
    assertThat(consumers()).contains("gone-worker", "quiet-worker");

    // Both are idle just as long; the quiet one keeps its heartbeat, as a live worker does.
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              redis
                  .hash(String.class)
                  .hset(Keys.WORKERS, "quiet-worker", "4:" + System.currentTimeMillis());
              return !consumers().contains("gone-worker");
            });
    assertThat(consumers()).contains("quiet-worker");
    assertThat(redis.hash(String.class).hget(Keys.WORKERS, "gone-worker")).isNull();
    assertThat(redis.hash(String.class).hget(Keys.WORKERS, requests.name())).isNotNull();
  }

  @Test
  void aGoneConsumersRequestIsClaimedBeforeTheConsumerIsRemoved() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    TurnRequest request = TurnStreams.request("held by a worker that died #tokens=5");
    redis.withTransaction(
        tx -> {
          tx.stream(String.class).xadd(Keys.REQUESTS, Map.of(TurnRequest.FIELD, request.toJson()));
          tx.execute(
              "XREADGROUP",
              "GROUP",
              Keys.GROUP,
              "died-holding",
              "COUNT",
              "1",
              "STREAMS",
              Keys.REQUESTS,
              ">");
        });

    List<Frame.TurnEvent> events = turns.awaitEnd(request.turnId(), WITHIN);
    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(5));
    Awaitility.await().atMost(WITHIN).until(() -> !consumers().contains("died-holding"));
  }

  private List<String> consumers() {
    List<String> names = new ArrayList<>();
    redis
        .execute("XINFO", "CONSUMERS", Keys.REQUESTS, Keys.GROUP)
        .forEach(c -> names.add(c.get("name").toString()));
    return names;
  }
}
