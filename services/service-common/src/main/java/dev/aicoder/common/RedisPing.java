package dev.aicoder.common;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The readiness of a service with a blocking stream reader: a PING on the shared connection pool.
 * Quarkus's own Redis check also pings the reader's single connection, where the PING waits behind
 * the blocking read (up to its block time), so readiness took seconds at idle and probes timed out.
 */
public final class RedisPing {

  /** The name Quarkus's own check had, so dashboards and alerts keep working. */
  public static final String NAME = "Redis connection health check";

  /** Below a Kubernetes probe's default one-second timeout. */
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  private RedisPing() {}

  /**
   * DOWN while the instance is stopping (it takes no new work, so a load balancer should send
   * none), else {@link #check}.
   */
  public static Uni<HealthCheckResponse> check(ReactiveRedisDataSource redis, boolean stopping) {
    if (stopping) {
      return Uni.createFrom()
          .item(HealthCheckResponse.named("Shutdown").down().withData("state", "stopping").build());
    }
    return check(redis);
  }

  /** UP when Redis answers within the timeout, else DOWN with the reason. */
  public static Uni<HealthCheckResponse> check(ReactiveRedisDataSource redis) {
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
