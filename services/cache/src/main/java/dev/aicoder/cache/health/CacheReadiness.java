package dev.aicoder.cache.health;

import dev.aicoder.cache.service.RedisState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis is unreachable too, unlike the other services: memory and files still answer
 * lookups, so taking the replica out of its Service would turn those hits into misses. The check
 * says the cache is degraded and why.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

  private final RedisState redis;

  CacheReadiness(RedisState redis) {
    this.redis = redis;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("Cache tiers").up();
    if (redis.up()) {
      return response.withData("redis", "up").withData("mode", "shared").build();
    }
    return response
        .withData("redis", "down")
        .withData("mode", "degraded")
        .withData(
            "reason",
            "Redis is unreachable ("
                + redis.reason()
                + "): memory and files answer lookups, writes"
                + " stay on this replica until it returns")
        .build();
  }
}
