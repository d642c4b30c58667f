package dev.aicoder.cache.service;

import dev.aicoder.common.Resources;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tier 2: encoded entries in Redis under {@code aicoder:cache:<namespace>:<key>}, shared by every
 * replica, with an index (expiry per entry) and sizes, so the tier stays under its byte bound and
 * can be counted and cleared per namespace without scanning the whole keyspace.
 */
public final class RedisTier {

  static final String PREFIX = "aicoder:cache:";
  static final String INDEX = "aicoder:cache-index";
  static final String SIZES = "aicoder:cache-sizes";
  static final String TOTAL = "aicoder:cache-bytes";
  private static final String PUT = Resources.text("/lua/cache-put.lua");
  private static final String DELETE = Resources.text("/lua/cache-delete.lua");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Redis redis;
  private final long maxBytes;

  public RedisTier(Redis redis, long maxBytes) {
    this.redis = redis;
    this.maxBytes = maxBytes;
  }

  static String entry(String namespace, String key) {
    return PREFIX + namespace + ':' + key;
  }

  /** The namespace of an entry's Redis key. */
  static String namespaceOf(String entryKey) {
    int end = entryKey.indexOf(':', PREFIX.length());
    return entryKey.substring(PREFIX.length(), end < 0 ? entryKey.length() : end);
  }

  public byte[] get(String namespace, String key) {
    Response r = send(Request.cmd(Command.GET).arg(entry(namespace, key)));
    return r == null ? null : r.toBytes();
  }

  /**
   * Stores an entry and announces it on {@code stream} as {@code replica}'s, in one step; returns
   * the Redis keys of entries evicted to make room.
   */
  public List<String> put(
      String namespace,
      String key,
      byte[] encoded,
      long expiresAtMs,
      String stream,
      String replica) {
    long now = System.currentTimeMillis();
    Response r =
        send(
            Request.cmd(Command.EVAL)
                .arg(PUT)
                .arg(5)
                .arg(entry(namespace, key))
                .arg(INDEX)
                .arg(SIZES)
                .arg(TOTAL)
                .arg(stream)
                .arg(encoded)
                .arg(Math.max(1, expiresAtMs - now))
                .arg(expiresAtMs)
                .arg(now)
                .arg(maxBytes)
                .arg(replica)
                .arg(namespace)
                .arg(key));
    List<String> evicted = new ArrayList<>();
    if (r != null) {
      r.forEach(k -> evicted.add(k.toString()));
    }
    return evicted;
  }

  /**
   * Deletes entries by their Redis keys, each announced on {@code stream} as {@code replica}'s in
   * the same step (null: announced by the caller); returns how many existed.
   */
  public long delete(List<String> entryKeys, String stream, String replica) {
    Request req =
        Request.cmd(Command.EVAL)
            .arg(DELETE)
            .arg(4)
            .arg(INDEX)
            .arg(SIZES)
            .arg(TOTAL)
            .arg(stream)
            .arg("")
            .arg(replica == null ? "" : replica);
    entryKeys.forEach(req::arg);
    Response r = send(req);
    return r == null ? 0 : r.toLong();
  }

  /** Drops the bookkeeping of expired entries. */
  public void sweep() {
    send(
        Request.cmd(Command.EVAL)
            .arg(DELETE)
            .arg(4)
            .arg(INDEX)
            .arg(SIZES)
            .arg(TOTAL)
            .arg(InvalidationFeed.STREAM)
            .arg(System.currentTimeMillis())
            .arg(""));
  }

  /** The Redis keys of one namespace's entries (every entry when null), with their sizes. */
  public void scan(String namespace, java.util.function.BiConsumer<String, Long> each) {
    String match = namespace == null ? PREFIX + "*" : PREFIX + namespace + ":*";
    String cursor = "0";
    do {
      Response r =
          send(
              Request.cmd(Command.HSCAN)
                  .arg(SIZES)
                  .arg(cursor)
                  .arg("MATCH")
                  .arg(match)
                  .arg("COUNT")
                  .arg(1000));
      cursor = r.get(0).toString();
      Response fields = r.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        each.accept(fields.get(i).toString(), fields.get(i + 1).toLong());
      }
    } while (!"0".equals(cursor));
  }

  /** Deletes every entry of a namespace (all when null), announcing nothing; returns how many. */
  public long clear(String namespace) {
    List<String> keys = new ArrayList<>();
    scan(namespace, (k, size) -> keys.add(k));
    long cleared = 0;
    for (int i = 0; i < keys.size(); i += 500) {
      cleared +=
          delete(keys.subList(i, Math.min(keys.size(), i + 500)), InvalidationFeed.STREAM, null);
    }
    return cleared;
  }

  public void ping() {
    send(Request.cmd(Command.PING));
  }

  private Response send(Request request) {
    return redis.send(request).await().atMost(TIMEOUT);
  }
}
