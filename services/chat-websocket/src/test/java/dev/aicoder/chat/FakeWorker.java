package dev.aicoder.chat;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;

/** Plays ai-streaming in chat-websocket's tests: reads requests, writes turn events to Redis. */
public final class FakeWorker {

  private final RedisDataSource redis;

  public FakeWorker(RedisDataSource redis) {
    this.redis = redis;
  }

  /** How many requests of this turn are in the request stream. */
  public long requests(String turnId) {
    return redis.stream(String.class).xrange(Keys.REQUESTS, StreamRange.of("-", "+")).stream()
        .map(m -> TurnRequest.fromJson(m.payload().get(TurnRequest.FIELD)))
        .filter(r -> r.turnId().equals(turnId))
        .count();
  }

  /** The request of a turn as chat-websocket queued it. */
  public TurnRequest request(String turnId) {
    return redis.stream(String.class).xrange(Keys.REQUESTS, StreamRange.of("-", "+")).stream()
        .map(m -> TurnRequest.fromJson(m.payload().get(TurnRequest.FIELD)))
        .filter(r -> r.turnId().equals(turnId))
        .findFirst()
        .orElseThrow();
  }

  public void write(Frame.TurnEvent event) {
    redis.execute("EVAL", TurnEvents.append(event));
  }

  /** Writes deltas {@code from..to} with text {@code "d<seq> "}. */
  public void deltas(String turnId, int from, int to) {
    for (int seq = from; seq <= to; seq++) {
      write(new Frame.Delta(turnId, seq, text(seq)));
    }
  }

  public static String text(int seq) {
    return "d" + seq + " ";
  }
}
