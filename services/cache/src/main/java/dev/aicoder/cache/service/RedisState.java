package dev.aicoder.cache.service;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether Redis answers. A failed command marks it down at once, so later lookups skip it instead
 * of waiting for a timeout each; {@link InvalidationFeed}, which reads Redis continuously, marks it
 * up again, after this replica dropped what it may have missed.
 */
@ApplicationScoped
public class RedisState {

  private volatile boolean up = true;
  private volatile String reason = "";

  public boolean up() {
    return up;
  }

  /** Why Redis is down ("" while up). */
  public String reason() {
    return reason;
  }

  void failed(Throwable e) {
    if (up) {
      reason = String.valueOf(e.getMessage());
      up = false;
      Log.warnf(
          "Redis is unreachable (%s): serving memory and files, writes stay on this replica",
          reason);
    }
  }

  void recovered() {
    if (!up) {
      reason = "";
      up = true;
      Log.info("Redis is back: the cache is shared again");
    }
  }
}
