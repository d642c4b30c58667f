package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no model configured the assistant says so plainly, and never pretends to answer. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(NoModelTest.NoModel.class)
class NoModelTest {

  /** No base URL at all. */
  public static class NoModel implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.ai.llm.base-url", "");
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void theTurnSaysNoModelIsConfiguredAndWhatToSet() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    TurnRequest request = turns.submit("are you there?");
    List<Frame.TurnEvent> events = turns.awaitEnd(request.turnId(), Duration.ofSeconds(15));

    assertThat(events).hasSize(1);
    Frame.Error error = TurnStreams.last(events, Frame.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.MODEL_NOT_CONFIGURED);
    assertThat(error.message()).contains("AI_CODER_LLM_BASE_URL").contains("AI_CODER_LLM_MODEL");
  }
}
