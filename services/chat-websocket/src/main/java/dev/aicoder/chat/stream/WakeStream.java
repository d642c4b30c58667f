package dev.aicoder.chat.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.util.UUID;

/**
 * A stream of this instance that a blocking {@code XREAD} includes, so adding an entry wakes the
 * read at once when it has new work (a conversation to watch: TurnAnnouncements) instead of after
 * its block time. Used by one reading thread; {@link #wake} from any.
 */
final class WakeStream {

  private final ReactiveRedisDataSource redis;
  final String key;
  // Not "$": an entry added between two reads would be missed, and its work would wait a block.
  private String lastId = "0-0";

  WakeStream(ReactiveRedisDataSource redis, String name) {
    this.redis = redis;
    this.key = "aicoder:chat:wake:" + name + ":" + UUID.randomUUID();
  }

  /** Wakes the blocking read, without waiting. */
  void wake() {
    // The TTL only matters for an instance that died: its wake stream goes away on its own.
    redis
        .execute("XADD", key, "MAXLEN", "~", "100", "*", "w", "1")
        .chain(() -> redis.execute("EXPIRE", key, "3600"))
        .subscribe()
        .with(ok -> {}, e -> Log.debugf("Could not wake the %s reader: %s", key, e.getMessage()));
  }

  /** Where the next read starts. */
  String lastId() {
    return lastId;
  }

  /** Notes the last entry a read returned. */
  void read(String id) {
    lastId = id;
  }
}
