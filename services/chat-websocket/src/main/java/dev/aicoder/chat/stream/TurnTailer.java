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
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>The same read takes the turn announcements ({@link Keys#conversationTurns}) of every
 * conversation watched here, so a turn accepted by another instance reaches viewers here too: each
 * instance reads only the announcements of conversations it has viewers of.
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
  private final Map<String, Tail> tails = new ConcurrentHashMap<>(); // changed on its thread only

  /** Conversations with viewers here, and how far their announcements were read. */
  private final Map<String, String> announcements = new ConcurrentHashMap<>();

  /** Turns that ended lately (tailer thread only): a late announcement of one is not followed. */
  private final Set<String> ended =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 10_000;
            }
          });

  private final Event<TurnAnnounced> announced;
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

  /**
   * A turn of a conversation watched here, announced by whichever instance accepted it; who
   * observes it checks the viewers' access and then {@link #follow}s it.
   */
  public record TurnAnnounced(String turnId, String conversationId, String authorId) {}

  TurnTailer(
      @RedisClientName("tailer") RedisDataSource tailer,
      RedisDataSource redis,
      ReactiveRedisDataSource reactive,
      Viewers viewers,
      ChatConfig config,
      MeterRegistry metrics,
      Event<TurnAnnounced> announced) {
    this.announced = announced;
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
    submit(
        () -> {
          if (!ended.contains(turnId)) {
            tails.putIfAbsent(turnId, new Tail(conversationId, true, "0-0"));
          }
        });
  }

  /**
   * Reads the turn announcements of a conversation from now on, unless this instance already does.
   * Called after a viewer joined, so a turn announced once the join is done is never missed.
   */
  public void watch(String conversationId) {
    boolean[] added = {false};
    // Atomic with the removal in dropUnwatched: a join never finds a watch that is being dropped.
    announcements.computeIfAbsent(
        conversationId,
        c -> {
          added[0] = true;
          Response last =
              redis.execute("XREVRANGE", Keys.conversationTurns(c), "+", "-", "COUNT", "1");
          return last.size() == 0 ? "0-0" : last.get(0).get(0).toString();
        });
    if (added[0]) {
      submit(() -> {}); // the blocking read in progress does not include it yet
    }
  }

  /** Whether this instance follows the turn's stream. */
  public boolean follows(String turnId) {
    return tails.containsKey(turnId);
  }

  /** Whether this instance reads the conversation's turn announcements. */
  public boolean watches(String conversationId) {
    return announcements.containsKey(conversationId);
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
    Map<String, String> watched = new HashMap<>();
    announcements.forEach((c, from) -> watched.put(Keys.conversationTurns(c), c));
    turnIds.forEach(id -> args.add(Keys.turn(id)));
    args.addAll(watched.keySet());
    args.add(wakeId);
    turnIds.forEach(id -> args.add(tails.get(id).lastId));
    watched.values().forEach(c -> args.add(announcements.getOrDefault(c, "0-0")));
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
      if (watched.containsKey(key)) {
        announce(watched.get(key), entries);
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

  /** Announces each new turn of a watched conversation that this instance does not follow yet. */
  private void announce(String conversationId, Response entries) {
    for (Response entry : entries) {
      Response fields = entry.get(1);
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        values.put(fields.get(i).toString(), fields.get(i + 1).toString());
      }
      String turnId = values.get("turn");
      if (turnId != null && !tails.containsKey(turnId) && !ended.contains(turnId)) {
        announced.fireAsync(new TurnAnnounced(turnId, conversationId, values.get("author")));
      }
    }
    String last = entries.get(entries.size() - 1).get(0).toString();
    announcements.computeIfPresent(conversationId, (c, from) -> last);
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
    for (String conversationId : List.copyOf(announcements.keySet())) {
      announcements.computeIfPresent(
          conversationId, (c, from) -> viewers.of(c).isEmpty() ? null : from);
    }
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
