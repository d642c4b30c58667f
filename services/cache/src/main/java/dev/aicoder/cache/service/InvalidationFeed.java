package dev.aicoder.cache.service;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps replicas coherent: a write, delete or clear is announced on a Redis stream (a write or
 * delete by the same Lua script that makes it, so no change goes unannounced), and every other
 * replica drops its memory and file copies as soon as its blocking read returns (milliseconds). A
 * stream rather than pub/sub because reads are ordinary commands that fail loudly: the reader is
 * also this replica's Redis heartbeat. After an outage the replica empties its memory and files
 * before it uses Redis again, so nothing it missed meanwhile can be served stale.
 */
@ApplicationScoped
public class InvalidationFeed {

  static final String STREAM = "aicoder:cache-invalidations";
  private static final long MAX_LENGTH = 10_000;
  private static final Duration BLOCK = Duration.ofSeconds(1);
  private static final long RETRY_MS = 250;

  private final RedisDataSource redis;
  private final StreamCommands<String, String, String> streams;
  private final RedisState state;
  private final String replica = UUID.randomUUID().toString();
  private volatile TieredCache cache;
  private volatile boolean running = true;
  private Thread reader;

  InvalidationFeed(RedisDataSource redis, RedisState state) {
    this.redis = redis;
    this.streams = redis.stream(String.class);
    this.state = state;
  }

  void attach(TieredCache cache) {
    this.cache = cache;
  }

  void start(@Observes StartupEvent event, TieredCache cache) {
    reader = new Thread(this::read, "cache-invalidations");
    reader.setDaemon(true);
    reader.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (reader != null) {
      reader.interrupt();
    }
  }

  /** This replica's name in the announcements, so it skips its own. */
  String replica() {
    return replica;
  }

  /**
   * Tells the other replicas a namespace was cleared ({@code key} "*"; all: "*"/"*"). Writes and
   * deletes are announced by their own Lua scripts, in the same step as the change.
   */
  void publish(String namespace, String key) {
    streams.xadd(
        STREAM,
        new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(),
        Map.of("replica", replica, "namespace", namespace, "key", key));
  }

  private void read() {
    String lastId = null;
    while (running) {
      try {
        if (lastId == null || !state.up()) {
          lastId = newest();
          if (!state.up()) {
            cache.forget(null, null); // what it missed while Redis was away cannot be served
            Log.info("Dropped this replica's cached memory and files after the Redis outage");
            state.recovered();
          }
        }
        List<StreamMessage<String, String, String>> entries =
            streams.xread(STREAM, lastId, new XReadArgs().block(BLOCK).count(1000));
        for (StreamMessage<String, String, String> entry : entries) {
          apply(entry.payload());
          lastId = entry.id();
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        state.failed(e);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MS));
      }
    }
  }

  private String newest() {
    var last = redis.execute("XREVRANGE", STREAM, "+", "-", "COUNT", "1");
    return last == null || last.size() == 0 ? "0-0" : last.get(0).get(0).toString();
  }

  private void apply(Map<String, String> change) {
    if (replica.equals(change.get("replica"))) {
      return;
    }
    String namespace = change.get("namespace");
    String key = change.get("key");
    if (namespace == null || key == null) {
      return;
    }
    cache.forget("*".equals(namespace) ? null : namespace, "*".equals(key) ? null : key);
  }
}
