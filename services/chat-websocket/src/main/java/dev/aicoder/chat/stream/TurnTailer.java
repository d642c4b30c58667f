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
 * Follows every live turn this instance's clients care about with one thread and one blocking
 * {@code XREAD} of the live stream ({@link Keys#LIVE}), where ai-streaming writes each event right
 * after it lands in the turn's own stream, and hands each event to the turn's viewers. A read costs
 * the same however many turns are live: reading every turn's stream in one {@code XREAD} cost Redis
 * about 20 µs per token at 200 live turns (benchmarks/chat-latency). Events arrive in seq order per
 * turn; one that skips ahead (the turn was followed late, or the live stream was trimmed before it
 * was read) makes the tailer read the gap from the turn's own stream, as does a turn that has been
 * quiet for a second, so an event is never lost.
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

  /** A followed turn without a live event for this long is read from its own stream. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Where the read of {@link Keys#LIVE} got to; null until the first read (tailer thread only). */
  private String liveId;

  /** When {@link #dropUnwatched()} last ran (tailer thread only). */
  private long droppedAtNanos;

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
    long lastEventNanos = System.nanoTime();

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
            .description("Live events read and forwarded together")
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
        // Once a second, not per read: at 200 streams a sweep per read cost 6% of this service.
        long now = System.nanoTime();
        if (now - droppedAtNanos > TimeUnit.SECONDS.toNanos(1)) {
          droppedAtNanos = now;
          dropUnwatched();
          catchUpQuiet(now);
        }
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
    if (liveId == null) {
      Response newest = redis.execute("XREVRANGE", Keys.LIVE, "+", "-", "COUNT", "1");
      liveId = newest == null || newest.size() == 0 ? "0-0" : newest.get(0).get(0).toString();
    }
    Response response =
        tailer.execute(
            "XREAD",
            "COUNT",
            Integer.toString(config.batchSize()),
            "BLOCK",
            Long.toString(config.tailBlock().toMillis()),
            "STREAMS",
            wake.key,
            Keys.LIVE,
            wake.lastId(),
            liveId);
    if (response == null) {
      return;
    }
    for (Response stream : response) {
      Response entries = stream.get(1);
      String lastId = entries.get(entries.size() - 1).get(0).toString();
      if (stream.get(0).toString().equals(wake.key)) {
        wake.read(lastId);
        continue;
      }
      liveId = lastId;
      batchSize.record(entries.size());
      for (Response entry : entries) {
        Response fields = entry.get(1);
        String turnId = null;
        String json = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          String field = fields.get(i).toString();
          if (field.equals(Keys.LIVE_TURN_FIELD)) {
            turnId = fields.get(i + 1).toString();
          } else if (field.equals(Keys.EVENT_FIELD)) {
            json = fields.get(i + 1).toString();
          }
        }
        Tail tail = turnId == null ? null : tails.get(turnId);
        if (tail != null && json != null) {
          live(turnId, tail, json);
        }
      }
    }
  }

  /** A live event of a followed turn: forwarded if it is the next one, else the gap is read. */
  private void live(String turnId, Tail tail, String json) {
    Frame.TurnEvent event = parse(json);
    if (event == null) {
      return;
    }
    long last = Keys.seqOf(tail.lastId);
    if (event.seq() > last + 1) {
      catchUp(turnId, tail); // missed events (followed late, or the live stream was trimmed)
    } else if (event.seq() == last + 1) {
      forward(turnId, tail, Keys.entryId(event.seq()), event, json);
    } // else a catch-up already forwarded it
  }

  /** Forwards what the turn's own stream holds past where this tail got to. */
  private void catchUp(String turnId, Tail tail) {
    tail.lastEventNanos = System.nanoTime();
    Response entries = redis.execute("XRANGE", Keys.turn(turnId), "(" + tail.lastId, "+");
    for (Response entry : entries) {
      String json = entry.get(1).get(1).toString();
      Frame.TurnEvent event = parse(json);
      if (forward(turnId, tail, entry.get(0).toString(), event, json)) {
        return;
      }
    }
  }

  /** Hands one event to the tail's sessions; true if it was the turn's last. */
  private boolean forward(
      String turnId, Tail tail, String entryId, Frame.TurnEvent event, String json) {
    tail.lastId = entryId;
    tail.lastEventNanos = System.nanoTime();
    if (event == null) {
      return false;
    }
    dispatch(tail, event, json);
    if (event.isFinal()) {
      tails.remove(turnId);
      ended.add(turnId);
      return true;
    }
    return false;
  }

  /**
   * Reads the turns that had no live event for a second from their own streams: an event written
   * before this instance followed the turn, or trimmed from the live stream before it was read,
   * reaches the viewers this way (an ended turn's last event included).
   */
  private void catchUpQuiet(long now) {
    for (Map.Entry<String, Tail> tail : List.copyOf(tails.entrySet())) {
      if (now - tail.getValue().lastEventNanos > QUIET_NANOS) {
        catchUp(tail.getKey(), tail.getValue());
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
