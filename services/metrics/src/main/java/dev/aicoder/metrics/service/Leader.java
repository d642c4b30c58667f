package dev.aicoder.metrics.service;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Which replica writes the shared history and evaluates the alerts: the holder of a Redis lease,
 * renewed every scrape and lost after three missed ones. Every replica scrapes and serves; only one
 * writes, so two replicas never double the history or the alert events.
 */
@ApplicationScoped
public class Leader {

  static final String KEY = "aicoder:perf:leader";
  private static final String ACQUIRE =
      """
      local holder = redis.call('GET', KEYS[1])
      if holder == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      if not holder then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      return 0
      """;

  private final RedisDataSource redis;
  private final String id = UUID.randomUUID().toString();

  Leader(RedisDataSource redis) {
    this.redis = redis;
  }

  /** Takes or renews the lease for {@code ttlMs}; true while this replica holds it. */
  public boolean tryLead(long ttlMs) {
    return redis.execute("EVAL", ACQUIRE, "1", KEY, id, String.valueOf(ttlMs)).toInteger() == 1;
  }
}
