package dev.aicoder.ai.health;

import dev.aicoder.ai.stream.RequestConsumer;
import dev.aicoder.common.RedisPing;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers on the shared pool ({@link RedisPing}) and this instance takes requests
 * (not once it is stopping); Quarkus's own check is off, as it would wait behind the request
 * reader's blocking XREADGROUP.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

  private final ReactiveRedisDataSource redis;
  private final RequestConsumer requests;

  RedisReadiness(ReactiveRedisDataSource redis, RequestConsumer requests) {
    this.redis = redis;
    this.requests = requests;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return RedisPing.check(redis, !requests.isReading());
  }
}
