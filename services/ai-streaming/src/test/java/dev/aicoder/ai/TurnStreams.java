package dev.aicoder.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** Test-side access to the chat-turn streams, the way chat-websocket uses them. */
public final class TurnStreams {

  private final RedisDataSource redis;

  public TurnStreams(RedisDataSource redis) {
    this.redis = redis;
  }

  /** Waits until the service has (re)created its consumer group, after a Redis restart too. */
  public void awaitGroup() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () -> redis.execute("XINFO", "GROUPS", Keys.REQUESTS).toString().contains(Keys.GROUP));
  }

  /** Queues a prompt as chat-websocket would and returns its request. */
  public TurnRequest submit(String text) {
    return submit(request(text));
  }

  public TurnRequest submit(TurnRequest request) {
    redis.stream(String.class).xadd(Keys.REQUESTS, Map.of(TurnRequest.FIELD, request.toJson()));
    return request;
  }

  /**
   * Queues the request and reads it as {@code consumer} in one transaction, so that consumer (a
   * worker that then dies) holds it and no live worker can read it first.
   */
  public void takeAs(String consumer, TurnRequest request) {
    redis.withTransaction(
        tx -> {
          tx.stream(String.class).xadd(Keys.REQUESTS, Map.of(TurnRequest.FIELD, request.toJson()));
          tx.execute(
              "XREADGROUP",
              "GROUP",
              Keys.GROUP,
              consumer,
              "COUNT",
              "1",
              "STREAMS",
              Keys.REQUESTS,
              ">");
        });
  }

  public static TurnRequest request(String text) {
    return new TurnRequest(
        UUID.randomUUID().toString(),
        UUID.randomUUID().toString(),
        "user-1",
        text,
        null,
        null,
        System.currentTimeMillis());
  }

  /** Every event of the turn so far. */
  public List<Frame.TurnEvent> events(String turnId) {
    List<Frame.TurnEvent> events = new ArrayList<>();
    for (StreamMessage<String, String, String> m :
        redis.stream(String.class).xrange(Keys.turn(turnId), StreamRange.of("-", "+"))) {
      try {
        Frame.TurnEvent e =
            (Frame.TurnEvent) FrameCodec.fromJson(m.payload().get(Keys.EVENT_FIELD));
        assertThat(Keys.seqOf(m.id())).isEqualTo(e.seq());
        events.add(e);
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }
    return events;
  }

  /** Waits for the turn's final event and returns every event, checking seq has no gaps. */
  public List<Frame.TurnEvent> awaitEnd(String turnId, Duration within) {
    List<Frame.TurnEvent>[] result = new List[1];
    Awaitility.await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              result[0] = events(turnId);
              return !result[0].isEmpty() && result[0].get(result[0].size() - 1).isFinal();
            });
    List<Frame.TurnEvent> events = result[0];
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).seq()).isEqualTo(i + 1);
    }
    return events;
  }

  /** The answer text as a client shows it: deltas after the last restart. */
  public static String text(List<Frame.TurnEvent> events) {
    int from = 0;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof Frame.Restart) {
        from = i + 1;
      }
    }
    return events.subList(from, events.size()).stream()
        .filter(Frame.Delta.class::isInstance)
        .map(e -> ((Frame.Delta) e).text())
        .collect(Collectors.joining());
  }

  public static <T> T last(List<Frame.TurnEvent> events, Class<T> type) {
    Frame.TurnEvent last = events.get(events.size() - 1);
    assertThat(last).isInstanceOf(type);
    return type.cast(last);
  }
}
