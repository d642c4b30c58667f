package dev.aicoder.chat.stream;

import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.service.Viewers;
import dev.aicoder.protocol.Keys;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Learns of the turns accepted by other instances in the conversations watched here: every accept
 * adds the turn to its conversation's announcement stream ({@link Keys#conversationTurns}), and one
 * thread reads the streams of the conversations this instance has viewers of, with its own blocking
 * {@code XREAD}. Announcements are rare (one per prompt), so this read costs little however many
 * conversations are watched, and the tailer's busy read carries live turns only.
 */
@ApplicationScoped
public class TurnAnnouncements {

  /** Tells this instance's announcements apart: it follows its own turns when it accepts them. */
  public static final String INSTANCE = UUID.randomUUID().toString();

  /** A turn of a conversation watched here, accepted by another instance. */
  public record TurnAnnounced(String turnId, String conversationId, String authorId) {}

  private final RedisDataSource reader;
  private final RedisDataSource redis;
  private final Viewers viewers;
  private final ChatConfig config;
  private final Event<TurnAnnounced> announced;
  private final WakeStream wake;

  /** Conversations with viewers here, and how far their announcements were read. */
  private final Map<String, String> positions = new ConcurrentHashMap<>();

  private volatile boolean running;

  TurnAnnouncements(
      @RedisClientName("announcer") RedisDataSource reader,
      RedisDataSource redis,
      ReactiveRedisDataSource reactive,
      Viewers viewers,
      ChatConfig config,
      Event<TurnAnnounced> announced) {
    this.reader = reader;
    this.redis = redis;
    this.viewers = viewers;
    this.config = config;
    this.announced = announced;
    this.wake = new WakeStream(reactive, "announcements");
  }

  void start(@Observes StartupEvent event) {
    running = true;
    Thread thread = new Thread(this::loop, "turn-announcements");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
  }

  /**
   * Reads the conversation's announcements from now on, unless this instance already does. Called
   * after a viewer joined, so a turn announced once the join is done is never missed.
   */
  public void watch(String conversationId) {
    boolean[] added = {false};
    // Atomic with the removal in dropUnwatched: a join never finds a watch that is being dropped.
    positions.computeIfAbsent(
        conversationId,
        c -> {
          added[0] = true;
          Response last =
              redis.execute("XREVRANGE", Keys.conversationTurns(c), "+", "-", "COUNT", "1");
          return last.size() == 0 ? "0-0" : last.get(0).get(0).toString();
        });
    if (added[0]) {
      wake.wake(); // the read in progress does not include it yet
    }
  }

  /** Whether this instance reads the conversation's announcements. */
  public boolean watches(String conversationId) {
    return positions.containsKey(conversationId);
  }

  private void loop() {
    while (running) {
      try {
        dropUnwatched();
        read();
      } catch (RuntimeException e) {
        if (running) {
          Log.warnf("Reading turn announcements failed (%s); retrying", e.getMessage());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
      }
    }
  }

  private void dropUnwatched() {
    for (String conversationId : List.copyOf(positions.keySet())) {
      positions.computeIfPresent(
          conversationId, (c, from) -> viewers.of(c).isEmpty() ? null : from);
    }
  }

  private void read() {
    Map<String, String> watched = new HashMap<>(); // stream key → conversation
    positions.keySet().forEach(c -> watched.put(Keys.conversationTurns(c), c));
    List<String> keys = new ArrayList<>(watched.keySet());
    List<String> args =
        new ArrayList<>(
            List.of("BLOCK", Long.toString(config.tailBlock().toMillis()), "STREAMS", wake.key));
    args.addAll(keys);
    args.add(wake.lastId());
    keys.forEach(k -> args.add(positions.getOrDefault(watched.get(k), "0-0")));
    Response response = reader.execute("XREAD", args.toArray(String[]::new));
    if (response == null) {
      return;
    }
    for (Response stream : response) {
      String key = stream.get(0).toString();
      Response entries = stream.get(1);
      String last = entries.get(entries.size() - 1).get(0).toString();
      if (key.equals(wake.key)) {
        wake.read(last);
      } else {
        String conversationId = watched.get(key);
        entries.forEach(entry -> announce(conversationId, entry.get(1)));
        positions.computeIfPresent(conversationId, (c, from) -> last);
      }
    }
  }

  private void announce(String conversationId, Response fields) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      values.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    String turnId = values.get("turn");
    if (turnId != null && !INSTANCE.equals(values.get("from"))) {
      announced.fireAsync(new TurnAnnounced(turnId, conversationId, values.get("author")));
    }
  }
}
