package dev.aicoder.ai.service;

import static io.restassured.RestAssured.given;
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
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
class TurnServiceTest {

  private static final Duration WITHIN = Duration.ofSeconds(15);

  @Inject RedisDataSource redis;
  @Inject ConversationHistory history;

  private TurnStreams turns() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    return turns;
  }

  @AfterEach
  void serviceStaysHealthy() {
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void answerStreamsInOrderAndIsStored() {
    TurnRequest request = turns().submit("hello #tokens=40");
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);

    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(40));
    assertThat(TurnStreams.last(events, Frame.Done.class).usage().outputTokens()).isEqualTo(40);
    Awaitility.await()
        .atMost(WITHIN)
        .until(
            () ->
                redis.stream(String.class).xpending(Keys.REQUESTS, Keys.GROUP).getPendingCount()
                    == 0);
    List<String> stored =
        redis.list(String.class).lrange(Keys.messages(request.conversationId()), 0, -1);
    ChatMessage answer = ChatMessage.fromJson(stored.get(stored.size() - 1));
    assertThat(answer.role()).isEqualTo("assistant");
    assertThat(answer.text()).isEqualTo(FakeLlm.expectedText(40));
    assertThat(answer.status()).isEqualTo("done");
    assertThat(redis.key().ttl(Keys.turn(request.turnId()))).isPositive();
  }

  /** Issue 11: an answer that ends after its conversation was deleted brought it back. */
  @Test
  void anAnswerToADeletedConversationIsNotStored() {
    TurnRequest request = TurnStreams.request("hello #tokens=5");
    redis.value(String.class).setex(Keys.deletedConversation(request.conversationId()), 60, "1");
    turns().submit(request);
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);
    assertThat(TurnStreams.last(events, Frame.Done.class)).isNotNull();
    Awaitility.await()
        .atMost(WITHIN)
        .until(
            () ->
                redis.stream(String.class).xpending(Keys.REQUESTS, Keys.GROUP).getPendingCount()
                    == 0);
    assertThat(redis.key().exists(Keys.messages(request.conversationId()))).isFalse();
    assertThat(redis.key().exists(Keys.conversation(request.conversationId()))).isFalse();
  }

  /**
   * A turn's end is one call: the answer (not stored here: the conversation is gone), the request's
   * acknowledgement and the stream's retention. Checked on the call itself, as the group would
   * otherwise hand the request out again and the next start would acknowledge it.
   */
  @Test
  void endingATurnAcknowledgesItsRequestAndSetsItsRetentionInOneCall() {
    TurnRequest request = TurnStreams.request("gone");
    String consumer = "ended-" + request.turnId();
    turns().takeAs(consumer, request);
    String entryId = pendingOf(consumer).get(0).get(0).toString();
    redis.execute("XADD", Keys.turn(request.turnId()), "0-1", Keys.EVENT_FIELD, "{}");
    redis.value(String.class).setex(Keys.deletedConversation(request.conversationId()), 60, "1");

    history.appendAnswerAndEnd(
        request.conversationId(),
        new ChatMessage("m", request.turnId(), "assistant", "late", "done", 1),
        entryId,
        Duration.ofMinutes(10));
    assertThat(pendingOf(consumer).size()).as("requests still pending").isZero();
    assertThat(redis.key().ttl(Keys.turn(request.turnId()))).isBetween(1L, 600L);
    assertThat(redis.key().exists(Keys.messages(request.conversationId()))).isFalse();
  }

  private Response pendingOf(String consumer) {
    return redis.execute("XPENDING", Keys.REQUESTS, Keys.GROUP, "-", "+", "10", consumer);
  }

  @Test
  void theConversationsEarlierMessagesReachTheModelButNotTheTurnsOwn() {
    TurnRequest request = TurnStreams.request("and now? #tokens=2");
    String key = Keys.messages(request.conversationId());
    var lists = redis.list(String.class);
    lists.rpush(key, new ChatMessage("m1", "t0", "user", "earlier question", "done", 1).toJson());
    lists.rpush(
        key, new ChatMessage("m2", "t0", "assistant", "earlier answer", "done", 2).toJson());
    // The user message of this very turn is stored before the turn starts; it is sent once.
    lists.rpush(
        key, new ChatMessage("m3", request.turnId(), "user", request.text(), "done", 3).toJson());
    turns().submit(request);
    turns().awaitEnd(request.turnId(), WITHIN);
    var sent =
        FakeLlmResource.fake().requests().stream()
            .filter(r -> r.toString().contains("and now?"))
            .findFirst()
            .orElseThrow()
            .get("messages");
    List<String> texts = new java.util.ArrayList<>();
    sent.forEach(m -> texts.add(m.get("role").asText() + ": " + m.get("content").asText()));
    assertThat(texts.get(0)).startsWith("system: ");
    assertThat(texts.subList(1, texts.size()))
        .containsExactly(
            "user: earlier question", "assistant: earlier answer", "user: and now? #tokens=2");
  }

  @Test
  void theTraceOfThePromptReachesTheModelServer() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    TurnRequest request = TurnStreams.request("traced #tokens=3");
    request =
        new TurnRequest(
            request.turnId(),
            request.conversationId(),
            request.userId(),
            request.text(),
            null,
            "00-" + traceId + "-00f067aa0ba902b7-01",
            request.acceptedAtMs());
    turns().submit(request);
    turns().awaitEnd(request.turnId(), WITHIN);
    assertThat(FakeLlmResource.fake().traceparents()).anyMatch(t -> t.contains(traceId));
  }

  @Test
  void cancelClosesTheModelConnection() throws InterruptedException {
    TurnRequest request = turns().submit("long one #tokens=2000 #gap=10");
    Awaitility.await().atMost(WITHIN).until(() -> !turns().events(request.turnId()).isEmpty());

    long start = System.nanoTime();
    redis.value(String.class).setex(Keys.cancelled(request.turnId()), 600, "1");
    String closed = FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2));
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(closed).as("the model server saw its connection closed").isNotNull();
    assertThat(tookMs).as("cancel reached the model within 2 s").isLessThan(2000);
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);
    TurnStreams.last(events, Frame.Cancelled.class);
    assertThat(events.size()).isLessThan(2000);
  }

  @Test
  void cancelBeforeTheFirstTokenAlsoAbortsTheCall() throws InterruptedException {
    TurnRequest request = turns().submit("slow start #first=5000");
    Awaitility.await()
        .atMost(WITHIN)
        .until(
            () ->
                FakeLlmResource.fake().requests().stream()
                    .anyMatch(r -> r.toString().contains("slow start")));
    redis.value(String.class).setex(Keys.cancelled(request.turnId()), 600, "1");
    assertThat(FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2))).isNotNull();
    TurnStreams.last(turns().awaitEnd(request.turnId(), WITHIN), Frame.Cancelled.class);
  }

  @Test
  void serverErrorEndsTheTurnWithAClearError() {
    Frame.Error error = endsWithError("please fail #fail=500");
    assertThat(error.code()).isEqualTo(ErrorCode.MODEL_ERROR);
    assertThat(error.message()).contains("HTTP 500");
  }

  @Test
  void rateLimitIsRetriedBeforeTheFirstToken() {
    TurnRequest request = turns().submit("busy model #fail=429 #failtimes=1 #tokens=5");
    List<Frame.TurnEvent> events = turns().awaitEnd(request.turnId(), WITHIN);
    assertThat(TurnStreams.text(events)).isEqualTo(FakeLlm.expectedText(5));
  }

  @Test
  void persistentRateLimitEndsWithError() {
    Frame.Error error = endsWithError("always busy #fail=429");
    assertThat(error.message()).contains("429");
  }

  @Test
  void hangingModelTimesOut() throws InterruptedException {
    Frame.Error error = endsWithError("say nothing #hang");
    assertThat(error.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT);
    assertThat(error.message()).contains("first token");
    assertThat(FakeLlmResource.fake().awaitClientClose(Duration.ofSeconds(2))).isNotNull();
  }

  @Test
  void stalledStreamTimesOut() {
    Frame.Error error = endsWithError("stop halfway #stall=3");
    assertThat(error.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT);
    assertThat(error.message()).contains("stopped sending");
  }

  @Test
  void droppedModelConnectionMidStreamIsAnError() {
    Frame.Error error = endsWithError("drop me #disconnect=3 #tokens=10");
    assertThat(error.code()).isEqualTo(ErrorCode.MODEL_ERROR);
  }

  private Frame.Error endsWithError(String prompt) {
    TurnRequest request = turns().submit(prompt);
    return TurnStreams.last(turns().awaitEnd(request.turnId(), WITHIN), Frame.Error.class);
  }
}
