package dev.aicoder.ai.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Requests that cannot be answered, put on the request stream as chat-websocket would: each ends
 * its turn with an error event within a bound and is acknowledged, never retried forever, while
 * other turns keep being answered.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class PoisonRequestTest {

  /** Three deliveries, claimIdle (1.5 s in tests) apart, plus slack for a slow machine. */
  private static final Duration WITHIN = Duration.ofSeconds(20);

  @Inject RedisDataSource redis;

  private TurnStreams turns() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    return turns;
  }

  @Test
  void anEmptyContextEntryIsSkippedAndTheTurnIsAnswered() {
    TurnRequest plain = TurnStreams.request("null context #tokens=4");
    TurnRequest request =
        new TurnRequest(
            plain.turnId(),
            plain.conversationId(),
            plain.userId(),
            plain.text(),
            Arrays.asList(null, new Frame.ContextRef("src/Main.java", "w1")),
            null,
            plain.acceptedAtMs());
    assertThat(request.toJson()).contains("\"context\":[null,");
    String entryId = submit(request.toJson());

    var events = turns().awaitEnd(request.turnId(), WITHIN);

    TurnStreams.last(events, Frame.Done.class);
    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(4));
    assertThat(FakeLlmResource.fake().requests())
        .anyMatch(
            r ->
                r.toString()
                    .contains(
                        "null context #tokens=4\\n\\nNot attached:\\n- src/Main.java: the"
                            + " workspace could not be reached"));
    awaitAcknowledged(entryId);
  }

  @Test
  void aStartThatAlwaysFailsEndsWithAnErrorAndIsAcknowledged() {
    TurnRequest poison = TurnStreams.request("corrupt history");
    // A conversation whose message list is not a list: reading the history fails every time.
    redis.value(String.class).set(Keys.messages(poison.conversationId()), "not a list");
    String entryId = submit(poison.toJson());
    TurnRequest healthy = turns().submit("meanwhile #tokens=6");

    Frame.Error error =
        TurnStreams.last(turns().awaitEnd(poison.turnId(), WITHIN), Frame.Error.class);

    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(error.message()).contains("please ask again");
    awaitAcknowledged(entryId);
    var answered = turns().awaitEnd(healthy.turnId(), WITHIN);
    assertThat(TurnStreams.text(answered)).isEqualTo(FakeLlm.expectedText(6));
  }

  @Test
  void anUnreadableRequestEndsItsTurnWithAnError() {
    String turnId = UUID.randomUUID().toString();
    String entryId =
        submit(
            "{\"turnId\":\""
                + turnId
                + "\",\"conversationId\":\"c1\",\"text\":\"hi\","
                + "\"context\":{\"not\":\"a list\"}}");

    Frame.Error error = TurnStreams.last(turns().awaitEnd(turnId, WITHIN), Frame.Error.class);

    assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FRAME);
    assertThat(error.message()).contains("could not read this prompt");
    awaitAcknowledged(entryId);
  }

  @Test
  void aRequestWithoutTextIsRefused() {
    TurnRequest plain = TurnStreams.request("x");
    TurnRequest request =
        new TurnRequest(
            plain.turnId(), plain.conversationId(), "u", null, null, null, plain.acceptedAtMs());
    String entryId = submit(request.toJson());

    Frame.Error error =
        TurnStreams.last(turns().awaitEnd(request.turnId(), WITHIN), Frame.Error.class);

    assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FRAME);
    assertThat(error.message()).contains("no text");
    awaitAcknowledged(entryId);
  }

  @Test
  void anEntryNamingNoTurnIsAcknowledged() {
    turns();
    String entryId =
        redis.stream(String.class).xadd(Keys.REQUESTS, Map.of("something", "else entirely"));
    // The group reads in order: once a later turn is answered, the entry has been delivered.
    TurnRequest later = turns().submit("after it #tokens=2");
    turns().awaitEnd(later.turnId(), WITHIN);
    awaitAcknowledged(entryId);
  }

  private String submit(String json) {
    turns();
    return redis.stream(String.class).xadd(Keys.REQUESTS, Map.of(TurnRequest.FIELD, json));
  }

  /** Waits until the delivered entry is acknowledged: no longer pending in the group. */
  private void awaitAcknowledged(String entryId) {
    var streams = redis.stream(String.class);
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                streams
                    .xpending(Keys.REQUESTS, Keys.GROUP, StreamRange.of(entryId, entryId), 1)
                    .isEmpty());
  }
}
