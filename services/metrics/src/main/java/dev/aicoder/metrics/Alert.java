package dev.aicoder.metrics;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An alert of one rule on one instance (or service). As an active alert {@code state} is "pending"
 * or "firing" and {@code at} when it became so; as a history event it is also "resolved", and
 * {@code at} when that happened.
 */
@RegisterForReflection
public record Alert(
    String id,
    String rule,
    String severity,
    String state,
    String service,
    String instance,
    String figure,
    Double value,
    Double threshold,
    long since,
    long at,
    String summary) {

  public Alert withState(String newState, long when, Double newValue) {
    return new Alert(
        id, rule, severity, newState, service, instance, figure, newValue, threshold, since, when,
        summary);
  }
}
