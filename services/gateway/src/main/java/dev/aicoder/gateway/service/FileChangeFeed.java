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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells every gateway replica sharing the workspace volume that a workspace's files changed, so
 * their {@link FileCache} drops them at once instead of at the end of the cache window. Changes go
 * to a Redis stream that each replica reads with a blocking {@code XREAD}, always one in flight:
 * unlike pub/sub, a replica that lost Redis for a while reads what it missed. An idle gateway wakes
 * once per {@link #BLOCK} instead of for a poll every 100 ms (with the request gate's timer, two
 * thirds of its idle event loop's CPU; benchmarks/chat-latency). A read that does not answer {@link
 * #GIVE_UP} after its block ended (a connection gone silent) fails; a failed read is retried every
 * {@link #RETRY_MS} ms, and meanwhile the window still bounds how stale a read can be.
 */
@ApplicationScoped
public class FileChangeFeed {

  static final Duration BLOCK = Duration.ofSeconds(5);
  static final Duration GIVE_UP = Duration.ofSeconds(5);
  static final long RETRY_MS = 250;
  private static final long MAX_LENGTH = 10_000;
  private static final int BATCH = 1_000;

  private final ReactiveStreamCommands<String, String, String> streams;
  private final FileCache cache;
  private final Vertx vertx;
  private final String replica = UUID.randomUUID().toString();
  // From the start: the cache is empty then, so old entries cost a few reads and drop nothing.
  private volatile String lastId = "0-0";
  private volatile boolean running = true;

  FileChangeFeed(ReactiveRedisDataSource redis, FileCache cache, Vertx vertx) {
    this.streams = redis.stream(String.class);
    this.cache = cache;
    this.vertx = vertx;
  }

  void start(@Observes StartupEvent event) {
    read();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
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

  /** The next blocking read, as soon as the last one returned (or a moment after it failed). */
  private void read() {
    if (!running) {
      return;
    }
    streams
        .xread(GatewayKeys.FILE_CHANGES, lastId, new XReadArgs().count(BATCH).block(BLOCK))
        .ifNoItem()
        .after(BLOCK.plus(GIVE_UP))
        .fail()
        .subscribe()
        .with(
            entries -> {
              forget(entries);
              read();
            },
            e -> {
              if (running) {
                Log.debugf("Cannot read file changes: %s", e.getMessage());
                vertx.setTimer(RETRY_MS, id -> read());
              }
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
