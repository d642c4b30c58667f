package dev.aicoder.localredis;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a real Redis for a {@code @QuarkusTest} and points the service at it. Tests reach the
 * running server through {@link #redis()} to stop and restart it.
 */
public class LocalRedisResource implements QuarkusTestResourceLifecycleManager {

  private static volatile LocalRedis redis;

  /** The Redis of the running test resource. */
  public static LocalRedis redis() {
    if (redis == null) {
      throw new IllegalStateException("LocalRedisResource is not started");
    }
    return redis;
  }

  @Override
  public Map<String, String> start() {
    redis = LocalRedis.startOnFreePort();
    return Map.of(
        "quarkus.redis.hosts", redis.url(),
        "REDIS_HOST", "localhost",
        "REDIS_PORT", Integer.toString(redis.port()));
  }

  @Override
  public void stop() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
