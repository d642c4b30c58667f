package dev.aicoder.chat.health;

import dev.aicoder.chat.service.Sessions;
import dev.aicoder.common.RedisPing;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers and the instance is not draining for a shutdown on the shared pool
 * ({@link RedisPing}); Quarkus's own check is off, as it would wait behind the tailer's blocking
 * XREAD.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

  private final ReactiveRedisDataSource redis;
  private final Sessions sessions;

  RedisReadiness(ReactiveRedisDataSource redis, Sessions sessions) {
    this.redis = redis;
    this.sessions = sessions;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return RedisPing.check(redis, sessions.draining());
  }
}
