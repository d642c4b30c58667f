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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows every live turn stream this instance's clients care about with one thread and one
 * blocking {@code XREAD} over all of them, and hands each event to the turn's viewers.
 *
 * <p>New work (a turn to follow, a resume to replay) is queued and the blocking read is woken by an
 * entry in this instance's wake stream, so a new turn never waits for the read timeout. A resume's
 * replay is read by the caller and delivered on this thread, between live events, so a client's
 * events stay in order. Turns accepted by other instances come from {@link TurnAnnouncements}.
 */
@ApplicationScoped
public class TurnTailer {

  private final RedisDataSource tailer;
  private final RedisDataSource redis;
  private final Viewers viewers;
  private final ChatConfig config;
  private final DistributionSummary batchSize;
  private final WakeStream wake;
  private final ConcurrentLinkedQueue<Runnable> work = new ConcurrentLinkedQueue<>();
  private final Map<String, Tail> tails = new ConcurrentHashMap<>(); // changed on its thread only

  /** Turns that ended lately (tailer thread only): a late follow of one does not replay it. */
  private final Set<String> ended =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 10_000;
            }
          });

  private volatile boolean running;

  /**
   * A turn being followed: where the read got to, and who asked for it beyond its viewers. A turn
   * started here goes to its conversation's viewers ({@code broadcast}); one only resumed here goes
   * to those who resumed it.
   */
  private static final class Tail {
    final String conversationId;
    boolean broadcast;
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
    this.wake = new WakeStream(reactive, "tailer");
    this.batchSize =
        DistributionSummary.builder("aicoder.ws.batch.size")
            .description("Events of one turn read and forwarded together")
            .register(metrics);
    this.tailer = tailer;
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

  /**
   * Follows a turn of a conversation from its start; its viewers get every event. A turn followed
   * so far only for those who resumed it goes to the viewers too, with what they missed of it.
   */
  public void follow(String turnId, String conversationId) {
    submit(
        () -> {
          Tail tail = tails.get(turnId);
          if (tail == null && !ended.contains(turnId)) {
            tails.put(turnId, new Tail(conversationId, true, "0-0"));
          } else if (tail != null && !tail.broadcast) {
            tail.broadcast = true;
            Response missed = redis.execute("XRANGE", Keys.turn(turnId), "-", tail.lastId);
            viewers.of(conversationId).forEach(s -> deliver(s, missed));
          }
        });
  }

  /** Whether this instance follows the turn's stream. */
  public boolean follows(String turnId) {
    return tails.containsKey(turnId);
  }

  /**
   * Replays a turn of a conversation after {@code lastSeq} to one session, then keeps it on the
   * live tail. The replay is read here, on the caller's thread, so a long or slow one never holds
   * up live events; the tailer thread then hands it over and closes any gap to the live tail.
   *
   * @return false, with nothing followed, if the turn's stream is gone (it expired)
   */
  public boolean resume(Session session, String turnId, String conversationId, long lastSeq) {
    String key = Keys.turn(turnId);
    Response entries = redis.execute("XRANGE", key, "(" + Keys.entryId(lastSeq), "+");
    if (entries.size() == 0 && !redis.key().exists(key)) {
      return false;
    }
    submit(() -> attach(session, turnId, conversationId, lastSeq, entries));
    return true;
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
    wake.wake();
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
            wake.key));
    List<String> turnIds = new ArrayList<>(tails.keySet());
    turnIds.forEach(id -> args.add(Keys.turn(id)));
    args.add(wake.lastId());
    turnIds.forEach(id -> args.add(tails.get(id).lastId));
    Response response = tailer.execute("XREAD", args.toArray(String[]::new));
    if (response == null) {
      return;
    }
    for (Response stream : response) {
      String key = stream.get(0).toString();
      Response entries = stream.get(1);
      if (key.equals(wake.key)) {
        wake.read(entries.get(entries.size() - 1).get(0).toString());
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
            ended.add(turnId);
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

  /**
   * On the tailer thread: delivers a replay read elsewhere, then what the live tail read past it
   * meanwhile, then subscribes the session to the tail (unless the turn ended).
   */
  private void attach(
      Session session, String turnId, String conversationId, long lastSeq, Response entries) {
    session.seen(turnId, lastSeq);
    String lastId = Keys.entryId(lastSeq);
    if (deliver(session, entries)) {
      return;
    }
    if (entries.size() > 0) {
      lastId = entries.get(entries.size() - 1).get(0).toString();
    }
    Tail tail = tails.get(turnId);
    if (tail == null && ended.contains(turnId)) {
      // It ended while the replay was read: the rest, its final event included, is in the stream.
      deliver(session, redis.execute("XRANGE", Keys.turn(turnId), "(" + lastId, "+"));
      return;
    }
    if (tail == null) {
      tail = new Tail(conversationId, false, lastId);
      tails.put(turnId, tail);
    } else if (Keys.seqOf(tail.lastId) > Keys.seqOf(lastId)) {
      deliver(session, redis.execute("XRANGE", Keys.turn(turnId), "(" + lastId, tail.lastId));
    }
    tail.subscribers.add(session);
  }

  /** Delivers stream entries to one session; true if they held the turn's final event. */
  private static boolean deliver(Session session, Response entries) {
    boolean last = false;
    for (Response entry : entries) {
      String json = entry.get(1).get(1).toString();
      Frame.TurnEvent event = parse(json);
      if (event != null) {
        session.deliver(event, json);
        last = event.isFinal();
      }
    }
    return last;
  }

  private void dispatch(Tail tail, Frame.TurnEvent event, String json) {
    if (tail.broadcast) {
      for (Session s : viewers.of(tail.conversationId)) {
        s.deliver(event, json);
      }
    }
    for (Session s : tail.subscribers) {
      // A revoke takes the conversation from the session at once; the queued drop may come later.
      if (s.isOpen() && s.resumed().contains(tail.conversationId)) {
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
