package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An answer that reaches the character cap is cut exactly there and ends with {@code too_long}; a
 * cap of its own class because the fake's short tokens reach the token cap first otherwise.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(AnswerSizeCapTest.SmallAnswers.class)
class AnswerSizeCapTest {

  private static final int MAX_CHARS = 100;

  /** Answers of at most 100 characters. */
  public static class SmallAnswers implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.ai.max-answer-chars", Integer.toString(MAX_CHARS));
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void anAnswerIsCutAtTheCharacterCapAndSaysSo() throws InterruptedException {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    while (FakeLlmResource.fake().awaitClientClose(Duration.ZERO) != null) {
      // forget connections closed before this test
    }
    TurnRequest request = turns.submit("go on and on #tokens=500 #gap=10");
    List<Frame.TurnEvent> events = turns.awaitEnd(request.turnId(), Duration.ofSeconds(15));

    String expected = FakeLlm.expectedText(500).substring(0, MAX_CHARS);
    assertThat(TurnStreams.text(events)).isEqualTo(expected);
    Frame.Error error = TurnStreams.last(events, Frame.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
    assertThat(error.message()).contains(MAX_CHARS + " characters");
    assertThat(FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2)))
        .as("the model call was aborted")
        .isNotNull();
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              List<String> stored =
                  redis.list(String.class).lrange(Keys.messages(request.conversationId()), 0, -1);
              assertThat(stored).isNotEmpty();
              ChatMessage answer = ChatMessage.fromJson(stored.get(stored.size() - 1));
              assertThat(answer.text()).isEqualTo(expected);
              assertThat(answer.status()).isEqualTo("error");
            });
  }
}
