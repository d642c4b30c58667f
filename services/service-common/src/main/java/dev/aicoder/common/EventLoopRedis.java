package dev.aicoder.common;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.runtime.client.ObservableRedis;
import io.quarkus.redis.runtime.client.ObservableRedisMetrics;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

/**
 * Redis clients whose connections live on one event loop, built from the options Quarkus made for
 * the default client (hosts, password, TLS, Sentinel, pool) and counted in the Redis metrics as
 * Quarkus counts its own clients, which the Redis alerts and dashboard read.
 *
 * <p>Quarkus's own client acquires every connection on the event loop it was created on, so a
 * command from any other loop is handed over to it and its reply handed back: two wake-ups a
 * command at low load. Code that runs on one event loop takes a client of its own here.
 */
@Singleton
public class EventLoopRedis implements RedisOptionsCustomizer {

  private final Instance<ObservableRedisMetrics> metrics;
  private volatile RedisOptions options;

  EventLoopRedis(Instance<ObservableRedisMetrics> metrics) {
    this.metrics = metrics;
  }

  @Override
  public void customize(String clientName, RedisOptions options) {
    if (RedisConfig.isDefaultClient(clientName)) {
      this.options = new RedisOptions(options);
    }
  }

  /**
   * A client whose connections are made on the calling event loop; call it on that loop (a
   * verticle's start, or a task run on the loop's context). Its commands are counted under {@code
   * name}: {@link RedisConfig#DEFAULT_CLIENT_NAME} for plain commands, which the latency alert
   * reads, a name of its own for a client that blocks in reads. {@code maxPoolSize} caps its
   * connections (0: as configured for the default client).
   */
  public Redis create(Vertx vertx, String name, int maxPoolSize) {
    if (options == null) {
      // Quarkus creates its clients, and so calls this customizer, before any bean is built.
      throw new IllegalStateException("Quarkus has not created the default Redis client");
    }
    ObservableRedisMetrics counted =
        metrics.isResolvable() ? metrics.get() : ObservableRedisMetrics.NOOP;
    RedisOptions own = new RedisOptions(options).setPoolName(name);
    if (maxPoolSize > 0) {
      own.setMaxPoolSize(maxPoolSize);
    }
    return new ObservableRedis(Redis.createClient(vertx, own), name, counted);
  }
}
