package dev.aicoder.gateway;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The health of one part of the product as /api/status reports it.
 *
 * @param name the service name, or {@code redis}
 * @param status {@code UP} or {@code DOWN}
 * @param version what the part reports as its version, when it answered
 * @param responseTimeMs how long the check took
 * @param detail why it is DOWN, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ComponentStatus(
    String name, String status, String version, long responseTimeMs, String detail) {

  public static final String UP = "UP";
  public static final String DOWN = "DOWN";

  @JsonIgnore
  public boolean isUp() {
    return UP.equals(status);
  }
}
