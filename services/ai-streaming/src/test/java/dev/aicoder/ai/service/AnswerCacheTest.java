package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: identical deterministic requests are answered once by the model and then from the
 * answer cache, through the normal turn stream. No cache service runs here, so the answers come
 * from the cache client's local copy, which is what a caller gets while that service is down; the
 * end-to-end tests use the real service.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(AnswerCacheTest.Deterministic.class)
class AnswerCacheTest {

  private static final Duration WITHIN = Duration.ofSeconds(15);

  /** Temperature 0; the cache only for prompts that ask for it; replays paced, to cancel one. */
  public static class Deterministic implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.ai.llm.temperature", "0",
          "aicoder.ai.answer-cache.replay-gap", "5ms");
    }
  }

  @Inject RedisDataSource redis;
  @Inject MeterRegistry registry;

  private TurnStreams turns() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    return turns;
  }

  /** A prompt in a new conversation, so two of them send the model the same messages. */
  static TurnRequest prompt(String text, boolean cache) {
    TurnRequest r = TurnStreams.request(text);
    return new TurnRequest(
        r.turnId(), r.conversationId(), r.userId(), r.text(), null, null, r.acceptedAtMs(), cache);
  }

  private double stored() {
    return registry.counter("aicoder.turn.answer.cache", "result", "stored").count();
  }

  static long modelCalls(String marker) {
    return FakeLlmResource.fake().requests().stream()
        .filter(r -> r.toString().contains(marker))
        .count();
  }

  @Test
  void anIdenticalDeterministicPromptIsAnsweredFromTheCache() {
    String text = "what is 2+2? " + UUID.randomUUID() + " #tokens=40";
    long replaysTimed = registry.timer("aicoder.turn.ttft.cache").count();
    double stored = stored();

    TurnRequest first = turns().submit(prompt(text, true));
    List<Frame.TurnEvent> original = turns().awaitEnd(first.turnId(), WITHIN);
    Frame.Done firstDone = TurnStreams.last(original, Frame.Done.class);
    assertThat(firstDone.usage().cached()).isFalse();
    // Stored after the turn ended, off its path.
    Awaitility.await().atMost(WITHIN).until(() -> stored() > stored);

    TurnRequest second = turns().submit(prompt(text, true));
    List<Frame.TurnEvent> replayed = turns().awaitEnd(second.turnId(), WITHIN);

    assertThat(modelCalls(text)).as("the model was asked once").isEqualTo(1);
    assertThat(TurnStreams.text(replayed))
        .isEqualTo(TurnStreams.text(original))
        .isEqualTo(FakeLlm.expectedText(40));
    Frame.Done done = TurnStreams.last(replayed, Frame.Done.class);
    assertThat(done.usage())
        .as("the counts of the model call that made it, marked cached")
        .isEqualTo(
            new Frame.Usage(
                firstDone.usage().inputTokens(), firstDone.usage().outputTokens(), true));
    assertThat(registry.timer("aicoder.turn.ttft.cache").count()).isEqualTo(replaysTimed + 1);
  }

  @Test
  void aPromptThatDidNotOptInIsNeverCached() {
    String text = "not cached " + UUID.randomUUID() + " #tokens=5";
    for (int i = 0; i < 2; i++) {
      TurnRequest request = turns().submit(prompt(text, false));
      Frame.Done done =
          TurnStreams.last(turns().awaitEnd(request.turnId(), WITHIN), Frame.Done.class);
      assertThat(done.usage().cached()).isFalse();
    }
    assertThat(modelCalls(text)).isEqualTo(2);
  }

  @Test
  void theTemperatureReachesTheModel() {
    String text = "temperature " + UUID.randomUUID() + " #tokens=2";
    TurnRequest request = turns().submit(prompt(text, false));
    turns().awaitEnd(request.turnId(), WITHIN);
    var sent =
        FakeLlmResource.fake().requests().stream()
            .filter(r -> r.toString().contains(text))
            .findFirst()
            .orElseThrow();
    assertThat(sent.get("temperature").asDouble()).isEqualTo(0.0);
  }

  @Test
  void cancelStopsAReplay() {
    String text = "long and cached " + UUID.randomUUID() + " #tokens=400 #gap=1";
    double stored = stored();
    TurnRequest first = turns().submit(prompt(text, true));
    TurnStreams.last(turns().awaitEnd(first.turnId(), WITHIN), Frame.Done.class);
    Awaitility.await().atMost(WITHIN).until(() -> stored() > stored);

    TurnRequest second = turns().submit(prompt(text, true));
    // 400 chunks 5 ms apart: a replay of 2 s, cancelled once it has begun.
    Awaitility.await().atMost(WITHIN).until(() -> !turns().events(second.turnId()).isEmpty());
    redis.value(String.class).setex(Keys.cancelled(second.turnId()), 600, "1");
    List<Frame.TurnEvent> events = turns().awaitEnd(second.turnId(), WITHIN);

    TurnStreams.last(events, Frame.Cancelled.class);
    assertThat(TurnStreams.text(events)).isNotEmpty().isNotEqualTo(FakeLlm.expectedText(400));
    assertThat(FakeLlm.expectedText(400)).startsWith(TurnStreams.text(events));
    assertThat(modelCalls(text)).as("the second came from the cache").isEqualTo(1);
  }
}
