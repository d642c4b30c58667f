package dev.aicoder.gateway.service;

import dev.aicoder.gateway.GatewayKeys;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells every gateway replica sharing the workspace volume that a workspace's files changed, so
 * their {@link FileCache} drops them within {@link #POLL_MS} ms instead of at the end of the cache
 * window. Changes go to a Redis stream that each replica reads every {@link #POLL_MS} ms: unlike
 * pub/sub, a replica that lost Redis for a while reads what it missed, and reading is an ordinary
 * pooled command. While Redis is unreachable, the window still bounds how stale a read can be.
 */
@ApplicationScoped
public class FileChangeFeed {

  static final long POLL_MS = 100;
  private static final long MAX_LENGTH = 10_000;
  private static final int BATCH = 1_000;

  private final ReactiveStreamCommands<String, String, String> streams;
  private final FileCache cache;
  private final Vertx vertx;
  private final String replica = UUID.randomUUID().toString();
  private final AtomicBoolean reading = new AtomicBoolean();
  // From the start: the cache is empty then, so old entries cost a few reads and drop nothing.
  private volatile String lastId = "0-0";
  private long timer = -1;

  FileChangeFeed(ReactiveRedisDataSource redis, FileCache cache, Vertx vertx) {
    this.streams = redis.stream(String.class);
    this.cache = cache;
    this.vertx = vertx;
  }

  void start(@Observes StartupEvent event) {
    timer = vertx.setPeriodic(POLL_MS, id -> read());
  }

  void stop(@Observes ShutdownEvent event) {
    vertx.cancelTimer(timer);
  }

  /** A workspace's files changed through this replica: dropped here at once, elsewhere soon. */
  public void changed(Path root) {
    cache.changed(root);
    streams
        .xadd(
            GatewayKeys.FILE_CHANGES,
            new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(),
            Map.of("workspace", root.getFileName().toString(), "replica", replica))
        .subscribe()
        .with(id -> {}, e -> Log.debugf("Cannot announce a file change: %s", e.getMessage()));
  }

  private void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    streams
        .xread(GatewayKeys.FILE_CHANGES, lastId, new XReadArgs().count(BATCH))
        .subscribe()
        .with(
            entries -> {
              forget(entries);
              reading.set(false);
            },
            e -> {
              Log.debugf("Cannot read file changes: %s", e.getMessage());
              reading.set(false);
            });
  }

  private void forget(List<StreamMessage<String, String, String>> entries) {
    for (StreamMessage<String, String, String> entry : entries) {
      String workspace = entry.payload().get("workspace");
      if (workspace != null && !replica.equals(entry.payload().get("replica"))) {
        cache.forget(workspace);
      }
      lastId = entry.id();
    }
  }
}
