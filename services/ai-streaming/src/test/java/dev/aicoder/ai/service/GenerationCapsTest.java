package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
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

/**
 * An answer that runs past the output-token or time cap ends with {@code too_long} after what was
 * streamed so far, and the model call is stopped.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(GenerationCapsTest.SmallCaps.class)
class GenerationCapsTest {

  private static final int MAX_TOKENS = 20;
  private static final Duration WITHIN = Duration.ofSeconds(15);

  /** Caps small enough for a test to reach. */
  public static class SmallCaps implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.ai.max-output-tokens",
          Integer.toString(MAX_TOKENS),
          "aicoder.ai.max-turn-duration",
          "2s");
    }
  }

  @Inject RedisDataSource redis;

  private TurnStreams turns() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    return turns;
  }

  @Test
  void theModelIsAskedForAtMostTheTokenCapAndACutAnswerSaysSo() {
    TurnRequest request = turns().submit("write a novel #tokens=100");
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);

    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(MAX_TOKENS));
    Frame.Error error = TurnStreams.last(events, Frame.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
    assertThat(error.message()).contains("AI_CODER_MAX_OUTPUT_TOKENS");
    assertThat(FakeLlmResource.fake().requests())
        .filteredOn(r -> r.toString().contains("write a novel"))
        .singleElement()
        .satisfies(r -> assertThat(r.path("max_tokens").asInt()).isEqualTo(MAX_TOKENS));
  }

  @Test
  void aModelThatIgnoresTheTokenCapIsStoppedAtIt() throws InterruptedException {
    drainClientCloses();
    TurnRequest request = turns().submit("never stop #tokens=500 #gap=20 #ignoremax");
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);

    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(MAX_TOKENS));
    Frame.Error error = TurnStreams.last(events, Frame.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
    assertThat(error.message()).contains(MAX_TOKENS + " tokens");
    assertThat(FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2)))
        .as("the model call was aborted")
        .isNotNull();
  }

  @Test
  void anAnswerPastTheTimeCapEndsWithTooLong() throws InterruptedException {
    drainClientCloses();
    // A token every 300 ms: never stalled, but 20 tokens would take 6 s, past the 2 s cap.
    TurnRequest request = turns().submit("slow and steady #tokens=19 #gap=300");
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);

    Frame.Error error = TurnStreams.last(events, Frame.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
    assertThat(error.message()).contains("longer than 2 s");
    String text = TurnStreams.text(events);
    assertThat(text).isNotEmpty();
    assertThat(FakeLlm.expectedText(19)).startsWith(text).isNotEqualTo(text);
    assertThat(FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2)))
        .as("the model call was aborted")
        .isNotNull();
  }

  /** Forgets connections closed by earlier tests, so a close seen next belongs to this one. */
  private static void drainClientCloses() throws InterruptedException {
    while (FakeLlmResource.fake().awaitClientClose(Duration.ZERO) != null) {
      // keep draining
    }
  }
}
