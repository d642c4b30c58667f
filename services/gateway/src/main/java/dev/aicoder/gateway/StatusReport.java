package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * What /api/status answers: {@code UP} when every service and Redis are up, else {@code DEGRADED}.
 */
@RegisterForReflection
public record StatusReport(
    String status, Instant checkedAt, List<ComponentStatus> services, ComponentStatus redis) {

  public static StatusReport of(List<ComponentStatus> services, ComponentStatus redis) {
    boolean allUp = redis.isUp() && services.stream().allMatch(ComponentStatus::isUp);
    return new StatusReport(allUp ? "UP" : "DEGRADED", Instant.now(), services, redis);
  }
}
