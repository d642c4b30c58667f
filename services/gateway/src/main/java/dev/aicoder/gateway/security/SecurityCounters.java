package dev.aicoder.gateway.security;

import dev.aicoder.gateway.GatewayKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Counts refused requests by reason: in Prometheus for this replica, and in Redis for the totals
 * across replicas that /api/security/status reports.
 */
@ApplicationScoped
public class SecurityCounters {

  /** Why a request was refused. */
  public enum Reason {
    RATE_LIMITED,
    LOGIN_THROTTLED,
    LOGIN_FAILED,
    BAD_TOKEN,
    FORBIDDEN,
    BAD_PATH
  }

  private final ReactiveRedisDataSource redis;
  private final MeterRegistry registry;

  SecurityCounters(ReactiveRedisDataSource redis, MeterRegistry registry) {
    this.redis = redis;
    this.registry = registry;
  }

  public void count(Reason reason) {
    String name = reason.name().toLowerCase();
    registry.counter("aicoder.gateway.refused", "reason", name).increment();
    redis
        .hash(Long.class)
        .hincrby(GatewayKeys.SECURITY_COUNTERS, name, 1)
        .subscribe()
        .with(ignored -> {}, e -> Log.debugf("Could not count a refused request: %s", e));
  }

  /** Totals across replicas, by reason. */
  public Map<String, Long> totals() {
    return redis
        .hash(Long.class)
        .hgetall(GatewayKeys.SECURITY_COUNTERS)
        .await()
        .atMost(java.time.Duration.ofSeconds(2));
  }
}
