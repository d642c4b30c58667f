package dev.aicoder.chat.stream;

import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.service.Viewers;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows every live turn stream this instance's clients care about with one thread and one
 * blocking {@code XREAD} over all of them, and hands each event to the turn's viewers.
 *
 * <p>New work (a turn to follow, a resume to replay) is queued and the blocking read is woken by an
 * entry in this instance's wake stream, so a new turn never waits for the read timeout. Resumes are
 * replayed on the same thread as live events, so a client's events stay in order.
 */
@ApplicationScoped
public class TurnTailer {

  private final RedisDataSource tailer;
  private final RedisDataSource redis;
  private final ReactiveRedisDataSource reactive;
  private final Viewers viewers;
  private final ChatConfig config;
  private final DistributionSummary batchSize;
  private final String wakeKey = "aicoder:chat:wake:" + UUID.randomUUID();
  private final ConcurrentLinkedQueue<Runnable> work = new ConcurrentLinkedQueue<>();
  private final Map<String, Tail> tails = new HashMap<>();
  private volatile boolean running;
  // Not "$": an entry added between two reads would be missed, and its work would wait a whole
  // block.
  private String wakeId = "0-0";

  /**
   * A turn being followed: where the read got to, and who asked for it beyond its viewers. A turn
   * started here goes to its conversation's viewers ({@code broadcast}); one only resumed here goes
   * to those who resumed it.
   */
  private static final class Tail {
    final String conversationId;
    final boolean broadcast;
    final Set<Session> subscribers = ConcurrentHashMap.newKeySet();
    String lastId;

    Tail(String conversationId, boolean broadcast, String lastId) {
      this.conversationId = conversationId;
      this.broadcast = broadcast;
      this.lastId = lastId;
    }
  }

  TurnTailer(
      @RedisClientName("tailer") RedisDataSource tailer,
      RedisDataSource redis,
      ReactiveRedisDataSource reactive,
      Viewers viewers,
      ChatConfig config,
      MeterRegistry metrics) {
    this.batchSize =
        DistributionSummary.builder("aicoder.ws.batch.size")
            .description("Events of one turn read and forwarded together")
            .register(metrics);
    this.tailer = tailer;
    this.reactive = reactive;
    this.redis = redis;
    this.viewers = viewers;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    running = true;
    Thread thread = new Thread(this::loop, "turn-tailer");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
  }

  /** Follows a new turn of a conversation; its viewers get every event. */
  public void follow(String turnId, String conversationId) {
    submit(() -> tails.putIfAbsent(turnId, new Tail(conversationId, true, "0-0")));
  }

  /**
   * Replays a turn of a conversation after {@code lastSeq} to one session, then keeps it on the
   * live tail.
   */
  public void resume(Session session, String turnId, String conversationId, long lastSeq) {
    // On the tailer thread, so no live event slips in between resetting and replaying.
    submit(() -> replay(session, turnId, conversationId, lastSeq));
  }

  /** Stops the turns of a conversation that a session resumed reaching it (it lost access). */
  public void drop(Session session, String conversationId) {
    submit(
        () ->
            tails.values().stream()
                .filter(t -> t.conversationId.equals(conversationId))
                .forEach(t -> t.subscribers.remove(session)));
  }

  /** Queues work for the tailer thread and wakes its blocking read, without waiting. */
  private void submit(Runnable task) {
    work.add(task);
    // The TTL only matters for an instance that died: its wake stream goes away on its own.
    reactive
        .execute("XADD", wakeKey, "MAXLEN", "~", "100", "*", "w", "1")
        .chain(() -> reactive.execute("EXPIRE", wakeKey, "3600"))
        .subscribe()
        .with(ok -> {}, e -> Log.debugf("Could not wake the tailer: %s", e.getMessage()));
  }

  private void loop() {
    while (running) {
      try {
        for (Runnable task; (task = work.poll()) != null; ) {
          task.run();
        }
        dropUnwatched();
        read();
      } catch (RuntimeException e) {
        if (running) {
          Log.warnf("Reading turn streams failed (%s); retrying", e.getMessage());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
      }
    }
  }

  private void read() {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "COUNT",
            Integer.toString(config.batchSize()),
            "BLOCK",
            Long.toString(config.tailBlock().toMillis()),
            "STREAMS",
            wakeKey));
    List<String> turnIds = new ArrayList<>(tails.keySet());
    turnIds.forEach(id -> args.add(Keys.turn(id)));
    args.add(wakeId);
    turnIds.forEach(id -> args.add(tails.get(id).lastId));
    Response response = tailer.execute("XREAD", args.toArray(String[]::new));
    if (response == null) {
      return;
    }
    for (Response stream : response) {
      String key = stream.get(0).toString();
      Response entries = stream.get(1);
      if (key.equals(wakeKey)) {
        wakeId = entries.get(entries.size() - 1).get(0).toString();
        continue;
      }
      String turnId = key.substring(Keys.turn("").length());
      batchSize.record(entries.size());
      Tail tail = tails.get(turnId);
      for (Response entry : entries) {
        tail.lastId = entry.get(0).toString();
        String json = entry.get(1).get(1).toString();
        Frame.TurnEvent event = parse(json);
        if (event != null) {
          dispatch(tail, event, json);
          if (event.isFinal()) {
            tails.remove(turnId);
          }
        }
      }
    }
  }

  /**
   * Stops following turns nobody here watches any more, so a turn whose worker never finishes
   * cannot keep a place in every read forever. A client that comes back resumes it.
   */
  private void dropUnwatched() {
    tails
        .values()
        .removeIf(
            t ->
                t.subscribers.isEmpty()
                    && (!t.broadcast || viewers.of(t.conversationId).isEmpty()));
  }

  private void replay(Session session, String turnId, String conversationId, long lastSeq) {
    session.seen(turnId, lastSeq);
    Response entries = redis.execute("XRANGE", Keys.turn(turnId), "(" + Keys.entryId(lastSeq), "+");
    String lastId = Keys.entryId(lastSeq);
    boolean ended = false;
    for (Response entry : entries) {
      lastId = entry.get(0).toString();
      String json = entry.get(1).get(1).toString();
      Frame.TurnEvent event = parse(json);
      if (event != null) {
        session.deliver(event, json);
        ended = event.isFinal();
      }
    }
    if (!ended) {
      // An existing tail keeps its position: its viewers still need what it has not read yet.
      String from = lastId;
      tails
          .computeIfAbsent(turnId, id -> new Tail(conversationId, false, from))
          .subscribers
          .add(session);
    }
  }

  private void dispatch(Tail tail, Frame.TurnEvent event, String json) {
    if (tail.broadcast) {
      for (Session s : viewers.of(tail.conversationId)) {
        s.deliver(event, json);
      }
    }
    for (Session s : tail.subscribers) {
      if (s.isOpen()) {
        s.deliver(event, json);
      } else {
        tail.subscribers.remove(s);
      }
    }
  }

  private static Frame.TurnEvent parse(String json) {
    try {
      return FrameCodec.fromJson(json) instanceof Frame.TurnEvent e ? e : null;
    } catch (Exception e) {
      Log.warnf("Skipping an unreadable turn event: %s", e.getMessage());
      return null;
    }
  }
}
