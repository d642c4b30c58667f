package dev.aicoder.ai.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers a PING on the shared pool. Quarkus's own Redis check is off: it also
 * pings the request reader's single connection, which sits in a blocking XREADGROUP, so at idle
 * readiness waited up to the whole read block (2 s) and probes timed out.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

  private static final String NAME = "Redis connection health check";

  /** A probe gives up after 1 s by default (Kubernetes); answering later helps no one. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

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
                    .withData("reason", String.valueOf(e.getMessage()))
                    .build());
  }
}
