package dev.aicoder.chat.stream;

import dev.aicoder.chat.Session;
import dev.aicoder.chat.service.Viewers;
import dev.aicoder.common.EventLoopRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Follows every live turn this instance's clients care about with one subscription to the live
 * channel ({@link Keys#LIVE}), where ai-streaming publishes each batch of events right after they
 * land in the turns' own streams, and hands each event to the turn's viewers. It costs the same
 * however many turns are live: reading every turn's stream in one {@code XREAD} cost Redis about 20
 * µs per token at 200 live turns, and a subscription, unlike the blocking read of a live stream
 * before it, needs no command per batch (benchmarks/chat-latency). Events arrive in seq order per
 * turn; one that skips ahead (the turn was followed late, or a message was lost while the
 * subscription was down) makes the tailer read the gap from the turn's own stream, as does a turn
 * that has been quiet for a second and every followed turn once it has subscribed (again), so an
 * event is never lost.
 *
 * <p>All of it runs on one event loop, with a Redis client whose connections are on that loop, and
 * writes inline to the sockets on it (chat-websocket has one event loop by default, so that is
 * every socket; a socket on another loop gets its frames handed over): a dedicated thread with a
 * blocking read woke another thread for each read's reply and each frame. Moving it here took
 * chat-websocket at 20 streams from 5.2 to 1.7 wake-ups and from 308 to 143 µs of CPU per token
 * (benchmarks/chat-latency, Steps). Its state is touched on that loop only; the public methods
 * queue their work there, in the order they are called. A resume's replay is read by the caller and
 * delivered on the loop, between live events, so a client's events stay in order. Turns accepted by
 * other instances come from {@link TurnAnnouncements}.
 */
@ApplicationScoped
public class TurnTailer {

  /** How long a command may go unanswered before it counts as failed. */
  private static final long TIMEOUT_MS = 10_000;

  /** A followed turn without a live event for this long is read from its own stream. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Vertx vertx;
  private final RedisDataSource blocking;
  private final Viewers viewers;
  private final DistributionSummary batchSize;
  private final Map<String, Tail> tails = new ConcurrentHashMap<>(); // changed on the loop only

  /** Turns that ended lately (loop only): a late follow of one does not replay it. */
  private final Set<String> ended =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 10_000;
            }
          });

  private final Context context;
  private Redis redis; // on the loop only
  private volatile boolean running;

  /** The connection subscribed to {@link Keys#LIVE}; null while there is none (loop only). */
  private RedisConnection live;

  /**
   * A turn being followed: where the read got to, and who asked for it beyond its viewers. A turn
   * started here goes to its conversation's viewers ({@code broadcast}); one only resumed here goes
   * to those who resumed it.
   */
  private static final class Tail {
    final String conversationId;
    boolean broadcast;
    final Set<Session> subscribers = new LinkedHashSet<>();
    String lastId;
    long lastEventNanos = System.nanoTime();

    /** Its viewers are being brought up to it, and get it live once they are. */
    boolean broadcastPending;

    /** A read of the turn's own stream is under way; live events wait for it. */
    boolean catchingUp;

    /** A live event came during the catch-up: read again once it is done. */
    boolean again;

    Tail(String conversationId, boolean broadcast, String lastId) {
      this.conversationId = conversationId;
      this.broadcast = broadcast;
      this.lastId = lastId;
    }
  }

  TurnTailer(
      Vertx vertx,
      EventLoopRedis clients,
      RedisDataSource blocking,
      Viewers viewers,
      MeterRegistry metrics) {
    this.batchSize =
        DistributionSummary.builder("aicoder.ws.batch.size")
            .description("Live events received together, in one message")
            .register(metrics);
    this.vertx = vertx;
    this.blocking = blocking;
    this.viewers = viewers;
    // An event loop of its own, whichever thread first uses the bean (a socket's follow or resume
    // may come before StartupEvent); the subscription starts at StartupEvent.
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    // On the loop, so its connections are made on it; named apart, as one of them is subscribed
    // (it answers no command). The others serve catch-ups.
    context.runOnContext(v -> redis = clients.create(vertx, "tailer", 4));
  }

  void start(@Observes StartupEvent event) {
    running = true;
    context.runOnContext(
        v -> {
          // Once a second, not per read: at 200 streams a sweep per read cost 6% of this service.
          vertx.setPeriodic(
              1000,
              id -> {
                if (running) {
                  dropUnwatched();
                  catchUpQuiet(QUIET_NANOS);
                }
              });
          subscribe();
        });
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    context.runOnContext(v -> redis.close()); // the subscribed connection with the others
  }

  /**
   * Follows a turn of a conversation from its start; its viewers get every event. A turn followed
   * so far only for those who resumed it goes to the viewers too, with what they missed of it.
   */
  public void follow(String turnId, String conversationId) {
    context.runOnContext(
        v -> {
          Tail tail = tails.get(turnId);
          if (tail == null && !ended.contains(turnId)) {
            tails.put(turnId, new Tail(conversationId, true, "0-0"));
          } else if (tail != null && !tail.broadcast && !tail.broadcastPending) {
            tail.broadcastPending = true;
            bringUp(
                turnId, tail, "0-0", () -> viewers.of(conversationId), () -> tail.broadcast = true);
          }
        });
  }

  /** The event loop it runs on. */
  Context context() {
    return context;
  }

  /** Whether this instance follows the turn's stream. */
  public boolean follows(String turnId) {
    return tails.containsKey(turnId);
  }

  /**
   * Replays a turn of a conversation after {@code lastSeq} to one session, then keeps it on the
   * live tail. The replay is read here, on the caller's thread, so a long or slow one never holds
   * up live events; the loop then hands it over and closes any gap to the live tail.
   *
   * @return false, with nothing followed, if the turn's stream is gone (it expired)
   */
  public boolean resume(Session session, String turnId, String conversationId, long lastSeq) {
    String key = Keys.turn(turnId);
    var entries = blocking.execute("XRANGE", key, "(" + Keys.entryId(lastSeq), "+");
    if (entries.size() == 0 && !blocking.key().exists(key)) {
      return false;
    }
    Response replay = entries.getDelegate();
    context.runOnContext(v -> attach(session, turnId, conversationId, lastSeq, replay));
    return true;
  }

  /** Stops the turns of a conversation that a session resumed reaching it (it lost access). */
  public void drop(Session session, String conversationId) {
    context.runOnContext(
        v ->
            tails.values().stream()
                .filter(t -> t.conversationId.equals(conversationId))
                .forEach(t -> t.subscribers.remove(session)));
  }

  /**
   * Subscribes to the live channel on a connection of its own, on the loop. Once subscribed, it
   * reads every followed turn's stream from where it got to: what was published while it was not
   * subscribed never reaches it.
   */
  private void subscribe() {
    if (!running) {
      return;
    }
    redis
        .connect()
        .onSuccess(
            connection -> {
              live = connection;
              connection.handler(this::message);
              connection.exceptionHandler(e -> resubscribe(connection, e.toString()));
              connection.endHandler(v -> resubscribe(connection, "the connection closed"));
              connection
                  .send(Request.cmd(Command.SUBSCRIBE).arg(Keys.LIVE))
                  .onFailure(e -> resubscribe(connection, e.toString()));
            })
        .onFailure(e -> resubscribe(null, e.toString()));
  }

  /** Drops a failed subscription (once) and subscribes again in a while. */
  private void resubscribe(RedisConnection connection, String why) {
    if (connection != live) {
      return; // this one was dropped already
    }
    live = null;
    if (connection != null) {
      connection.handler(null); // whatever it still brings is not read
      connection.close();
    }
    if (running) {
      Log.warnf("Not subscribed to live turn events (%s); subscribing again", why);
      vertx.setTimer(500, id -> subscribe());
    }
  }

  /** What the subscription brings: {@code [kind, channel, payload]}. */
  private void message(Response message) {
    if (message == null || message.size() < 3) {
      return;
    }
    String kind = message.get(0).toString();
    if (kind.equals("message")) {
      try {
        handle(message.get(2).toString());
      } catch (RuntimeException e) {
        Log.warnf(e, "Handling live turn events failed");
      }
    } else if (kind.equals("subscribe")) {
      Log.debugf("Subscribed to %s; catching up %d turns", Keys.LIVE, tails.size());
      catchUpQuiet(0); // all of them
    }
  }

  /** The events of one message, each with its turn's id before it ({@link TurnEvents#live}). */
  private void handle(String message) {
    String[] parts = TurnEvents.live(message);
    for (int i = 0; i + 1 < parts.length; i += 2) {
      Tail tail = tails.get(parts[i]);
      if (tail != null) {
        live(parts[i], tail, parts[i + 1]);
      }
    }
    batchSize.record(parts.length / 2);
  }

  /** A live event of a followed turn: forwarded if it is the next one, else the gap is read. */
  private void live(String turnId, Tail tail, String json) {
    if (tail.catchingUp) {
      tail.again = true; // the catch-up's read may have been answered before this was published
      return;
    }
    Frame.TurnEvent event = parse(json);
    if (event == null) {
      return;
    }
    long last = Keys.seqOf(tail.lastId);
    if (event.seq() > last + 1) {
      catchUp(turnId, tail); // missed events (followed late, or a message was lost)
    } else if (event.seq() == last + 1) {
      forward(turnId, tail, Keys.entryId(event.seq()), event, json);
    } // else a catch-up already forwarded it
  }

  /**
   * Forwards what the turn's own stream holds past where this tail got to. Live events of the turn
   * wait meanwhile; one that came during the read makes it read again, so none is skipped.
   */
  private void catchUp(String turnId, Tail tail) {
    if (tail.catchingUp) {
      tail.again = true;
      return;
    }
    tail.catchingUp = true;
    tail.again = false;
    tail.lastEventNanos = System.nanoTime();
    range(turnId, tail.lastId, "+")
        .onComplete(
            read -> {
              tail.catchingUp = false;
              if (read.failed()) {
                Log.debugf("Catching up turn %s failed: %s", turnId, read.cause().getMessage());
                return; // the quiet sweep tries again within a second
              }
              for (Response entry : read.result()) {
                String json = entry.get(1).get(1).toString();
                if (forward(turnId, tail, entry.get(0).toString(), parse(json), json)) {
                  return;
                }
              }
              if (tail.again) {
                catchUp(turnId, tail);
              }
            });
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
   * Reads the turns that had no live event for {@code quietNanos} from their own streams: an event
   * written before this instance followed the turn, or published while it was not subscribed,
   * reaches the viewers this way (an ended turn's last event included).
   */
  private void catchUpQuiet(long quietNanos) {
    long now = System.nanoTime();
    for (Map.Entry<String, Tail> tail : List.copyOf(tails.entrySet())) {
      if (now - tail.getValue().lastEventNanos >= quietNanos) {
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
                    && !t.broadcastPending
                    && (!t.broadcast || viewers.of(t.conversationId).isEmpty()));
  }

  /**
   * Delivers a replay read elsewhere, then what the live tail forwarded past it meanwhile, then
   * subscribes the session to the tail (unless the turn ended).
   */
  private void attach(
      Session session, String turnId, String conversationId, long lastSeq, Response entries) {
    session.seen(turnId, lastSeq);
    if (deliver(session, entries)) {
      return;
    }
    String lastId =
        entries.size() > 0
            ? entries.get(entries.size() - 1).get(0).toString()
            : Keys.entryId(lastSeq);
    Tail tail = tails.get(turnId);
    if (tail == null && ended.contains(turnId)) {
      // It ended while the replay was read: the rest, its final event included, is in the stream.
      range(turnId, lastId, "+")
          .onSuccess(rest -> deliver(session, rest))
          .onFailure(e -> Log.warnf("Could not read turn %s: %s", turnId, e.getMessage()));
      return;
    }
    if (tail == null) {
      tail = new Tail(conversationId, false, lastId);
      tails.put(turnId, tail);
    }
    Tail followed = tail;
    bringUp(
        turnId,
        followed,
        lastId,
        () -> List.of(session),
        () -> {
          if (tails.get(turnId) == followed) {
            followed.subscribers.add(session);
          }
        });
  }

  /**
   * Delivers to some sessions what the tail forwarded after {@code from}, reading until they are
   * level with it, then runs {@code level} with nothing forwarded in between (all on the loop). A
   * read that fails is tried again: they wait rather than miss an event.
   */
  private void bringUp(
      String turnId, Tail tail, String from, Supplier<Iterable<Session>> to, Runnable level) {
    String upTo = tail.lastId;
    if (Keys.seqOf(upTo) <= Keys.seqOf(from)) {
      level.run();
      return;
    }
    range(turnId, from, upTo)
        .onSuccess(
            entries -> {
              for (Session session : to.get()) {
                deliver(session, entries);
              }
              bringUp(turnId, tail, upTo, to, level);
            })
        .onFailure(
            e -> {
              Log.warnf("Could not read turn %s (%s); retrying", turnId, e.getMessage());
              vertx.setTimer(500, id -> bringUp(turnId, tail, from, to, level));
            });
  }

  /** The entries of a turn's stream after {@code afterId}, up to {@code last} ("+": all). */
  private Future<Response> range(String turnId, String afterId, String last) {
    return send(Request.cmd(Command.XRANGE).arg(Keys.turn(turnId)).arg("(" + afterId).arg(last));
  }

  /** Sends a command on the loop's client; it fails if unanswered for a while. */
  private Future<Response> send(Request request) {
    Promise<Response> answer = Promise.promise();
    long timer =
        vertx.setTimer(
            TIMEOUT_MS,
            id ->
                answer.tryFail(new TimeoutException("Redis did not answer " + request.command())));
    redis
        .send(request)
        .onComplete(
            done -> {
              vertx.cancelTimer(timer);
              if (done.succeeded()) {
                answer.tryComplete(done.result());
              } else {
                answer.tryFail(done.cause());
              }
            });
    return answer.future();
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
    for (Iterator<Session> i = tail.subscribers.iterator(); i.hasNext(); ) {
      Session s = i.next();
      // A revoke takes the conversation from the session at once; the queued drop may come later.
      if (s.isOpen() && s.resumed().contains(tail.conversationId)) {
        s.deliver(event, json);
      } else {
        i.remove();
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
