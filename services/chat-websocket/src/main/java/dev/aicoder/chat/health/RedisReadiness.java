package dev.aicoder.chat.health;

import dev.aicoder.common.RedisPing;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers on the shared pool ({@link RedisPing}); Quarkus's own check is off, as
 * it would wait behind the tailer's blocking XREAD.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

  private final ReactiveRedisDataSource redis;

  RedisReadiness(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return RedisPing.check(redis);
  }
}
