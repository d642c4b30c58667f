package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: without temperature 0 an answer varies, so it is never cached, even with the cache
 * switched on for everyone and the prompt asking for it.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(AnswerCacheOffTest.NoTemperature.class)
class AnswerCacheOffTest {

  /** The answer cache on by configuration; no temperature set, so the model's default applies. */
  public static class NoTemperature implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.ai.answer-cache.enabled", "true");
    }
  }

  @Inject RedisDataSource redis;
  @Inject MeterRegistry registry;

  @Test
  void aNonDeterministicPromptIsNeverCached() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    String text = "varies " + UUID.randomUUID() + " #tokens=5";
    for (int i = 0; i < 2; i++) {
      TurnRequest request = turns.submit(AnswerCacheTest.prompt(text, true));
      Frame.Done done =
          TurnStreams.last(
              turns.awaitEnd(request.turnId(), Duration.ofSeconds(15)), Frame.Done.class);
      assertThat(done.usage().cached()).isFalse();
    }
    assertThat(AnswerCacheTest.modelCalls(text)).isEqualTo(2);
    assertThat(
            FakeLlmResource.fake().requests().stream()
                .filter(r -> r.toString().contains(text))
                .allMatch(r -> !r.has("temperature")))
        .as("no temperature sent when none is set")
        .isTrue();
    assertThat(registry.counter("aicoder.turn.answer.cache", "result", "stored").count()).isZero();
  }
}
