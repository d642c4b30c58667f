package dev.aicoder.ai.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.ai.TurnStreams;
import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a request this instance read while all its slots were busy sat in its pending list
 * un-started; another worker claimed it after the idle threshold and ran it, and then this instance
 * ran it too once a slot freed. The other worker is played here with the group's own commands
 * against the real Redis; the model must see the request once, from that worker.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(SlowSlotTest.OneSlot.class)
class SlowSlotTest {

  /** One slot, and a read that blocks long, so a slot is busy while a read is waiting. */
  public static class OneSlot implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.ai.max-concurrent-streams", "1", "aicoder.ai.read-block", "5s");
    }
  }

  private static final String OTHER = "other-worker";
  private static final Duration WITHIN = Duration.ofSeconds(30);

  @Inject RedisDataSource redis;
  @Inject AiConfig config;

  @Test
  void aRequestWaitingForASlotIsNeverRunTwice() throws Exception {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    // The one slot gets busy with a long turn claimed from a dead worker, while the reader waits.
    TurnRequest first = TurnStreams.request("slow slot first #tokens=60 #gap=100");
    turns.takeAs("dead-worker", first);
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !turns.events(first.turnId()).isEmpty());

    String marker = UUID.randomUUID().toString();
    TurnRequest second = TurnStreams.request("slow slot second " + marker + " #tokens=3");
    String secondEntry = add(second);
    // The other worker takes the second request as a live worker would: a new entry by reading
    // it, one idle in this instance's pending list by claiming it.
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> otherWorkerTakes(secondEntry));
    callModelAsOtherWorker(second.text());
    otherWorkerWrites(new Frame.Delta(second.turnId(), 1, "the other worker's answer"));

    // This instance goes on with its next request once its slot is free; the other worker
    // keeps the second request fresh meanwhile, as a live worker does.
    TurnRequest third = turns.submit(TurnStreams.request("slow slot third #tokens=3"));
    Awaitility.await()
        .atMost(WITHIN)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              redis.execute("XCLAIM", Keys.REQUESTS, Keys.GROUP, OTHER, "0", secondEntry, "JUSTID");
              List<Frame.TurnEvent> events = turns.events(third.turnId());
              return !events.isEmpty() && events.get(events.size() - 1).isFinal();
            });
    long seen =
        FakeLlmResource.fake().requests().stream()
            .filter(r -> r.toString().contains(marker))
            .count();
    assertThat(seen).as("times the model was asked the second prompt").isEqualTo(1);
    assertThat(turns.events(second.turnId()))
        .as("only the other worker wrote the second turn")
        .hasSize(1)
        .noneMatch(Frame.Restart.class::isInstance);
    otherWorkerWrites(new Frame.Done(second.turnId(), 2, new Frame.Usage(1, 1)));
    redis.stream(String.class).xack(Keys.REQUESTS, Keys.GROUP, secondEntry);
  }

  private String add(TurnRequest request) {
    return redis.stream(String.class)
        .xadd(Keys.REQUESTS, Map.of(TurnRequest.FIELD, request.toJson()));
  }

  private boolean otherWorkerTakes(String entryId) {
    Response read =
        redis.execute(
            "XREADGROUP", "GROUP", Keys.GROUP, OTHER, "COUNT", "1", "STREAMS", Keys.REQUESTS, ">");
    if (read != null && read.toString().contains(entryId)) {
      return true;
    }
    Response claimed =
        redis.execute(
            "XCLAIM",
            Keys.REQUESTS,
            Keys.GROUP,
            OTHER,
            Long.toString(config.claimIdle().toMillis()),
            entryId,
            "JUSTID");
    return claimed.size() > 0;
  }

  /** The other worker runs the request: the model is asked once, by it. */
  private static void callModelAsOtherWorker(String prompt) throws Exception {
    String body =
        FrameCodec.json()
            .writeValueAsString(
                Map.of(
                    "model",
                    "fake",
                    "stream",
                    true,
                    "messages",
                    List.of(Map.of("role", "user", "content", prompt))));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(FakeLlmResource.fake().baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private void otherWorkerWrites(Frame.TurnEvent event) {
    redis.execute(
        "XADD",
        Keys.turn(event.turnId()),
        Keys.entryId(event.seq()),
        Keys.EVENT_FIELD,
        FrameCodec.toJson(event));
  }
}
