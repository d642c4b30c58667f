package dev.aicoder.chat.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers a PING on the shared connection pool. Quarkus's own Redis check is off:
 * it also pings the tailer's single connection, where the PING waits behind the blocking stream
 * read (up to its block time), so readiness took a second at idle.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

  /** The name Quarkus's own check had, so dashboards and alerts keep working. */
  private static final String NAME = "Redis connection health check";

  /** Below a Kubernetes probe's default one-second timeout. */
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  private final ReactiveRedisDataSource redis;

  RedisReadiness(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return redis
        .execute("PING")
        .ifNoItem()
        .after(TIMEOUT)
        .fail()
        .map(pong -> HealthCheckResponse.up(NAME))
        .onFailure()
        .recoverWithItem(
            e ->
                HealthCheckResponse.named(NAME)
                    .down()
                    .withData("error", String.valueOf(e.getMessage()))
                    .build());
  }
}
