package dev.aicoder.chat.stream;

import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.service.Viewers;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Learns of the turns accepted by other instances in the conversations watched here: every accept
 * adds its turn to one stream ({@link Keys#ANNOUNCED}), and one thread here reads it with its own
 * blocking {@code XREAD} and passes on the turns of conversations with viewers here. Announcements
 * are rare (one per prompt), so this read costs little, and joining a conversation costs it
 * nothing. (With a stream per conversation, every join re-issued the read over the streams of all
 * the conversations watched here: one command with as many keys as this instance had viewers of
 * distinct conversations, and a Redis write to wake the read.)
 */
@ApplicationScoped
public class TurnAnnouncements {

  /** Tells this instance's announcements apart: it follows its own turns when it accepts them. */
  public static final String INSTANCE = UUID.randomUUID().toString();

  /** A turn of a watched conversation, accepted by another instance. */
  public record TurnAnnounced(String turnId, String conversationId, String authorId) {}

  private final RedisDataSource reader;
  private final Viewers viewers;
  private final ChatConfig config;
  private final Event<TurnAnnounced> announced;

  private volatile boolean running;

  /** The last entry read; the thread's alone once it runs. */
  private String position;

  TurnAnnouncements(
      @RedisClientName("announcer") RedisDataSource reader,
      Viewers viewers,
      ChatConfig config,
      Event<TurnAnnounced> announced) {
    this.reader = reader;
    this.viewers = viewers;
    this.config = config;
    this.announced = announced;
  }

  void start(@Observes StartupEvent event) {
    running = true;
    try {
      position = last(); // before any viewer can join, if Redis answers; else the thread asks
    } catch (RuntimeException e) {
      Log.warnf("Could not find where the turn announcements end (%s); retrying", e.getMessage());
    }
    Thread thread = new Thread(this::loop, "turn-announcements");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
  }

  private void loop() {
    while (running) {
      try {
        if (position == null) {
          position = last();
        }
        read();
      } catch (RuntimeException e) {
        if (running) {
          Log.warnf("Reading turn announcements failed (%s); retrying", e.getMessage());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
      }
    }
  }

  /** The stream's last entry: only turns announced after it concern this instance's viewers. */
  private String last() {
    Response last = reader.execute("XREVRANGE", Keys.ANNOUNCED, "+", "-", "COUNT", "1");
    return last.size() == 0 ? "0-0" : last.get(0).get(0).toString();
  }

  private void read() {
    String block = Long.toString(config.tailBlock().toMillis());
    Response response =
        reader.execute("XREAD", "BLOCK", block, "STREAMS", Keys.ANNOUNCED, position);
    if (response == null) {
      return;
    }
    for (Response stream : response) {
      for (Response entry : stream.get(1)) {
        position = entry.get(0).toString();
        announce(entry.get(1));
      }
    }
  }

  private void announce(Response fields) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      values.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    String turnId = values.get("turn");
    String conversationId = values.get("conversation");
    if (turnId != null
        && conversationId != null
        && !INSTANCE.equals(values.get("from"))
        && !viewers.of(conversationId).isEmpty()) {
      announced.fireAsync(new TurnAnnounced(turnId, conversationId, values.get("author")));
    }
  }
}
