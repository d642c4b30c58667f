package dev.aicoder.ai.service;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.model.ModelClient;
import dev.aicoder.common.EventLoopRedis;
import io.quarkus.logging.Log;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One lane per event loop, each with its own model connections and its own Redis client, both on
 * that loop; a turn runs in one lane. A token is then read from the model, batched, written to
 * Redis and confirmed without leaving its thread.
 *
 * <p>Shared clients crossed threads on every token: Vert.x's HTTP pool hands out connections
 * whatever loop they are on, and the Redis client keeps all its connections on one loop. At 20
 * streams ai-streaming woke 3.4-3.7 threads per token, three in four of them one event loop waking
 * another; with lanes 1.6-1.7, and its CPU per token went from 203-248 to 150-153 µs
 * (benchmarks/chat-latency, Steps).
 *
 * <p>Built at startup, on the main thread: it waits for its verticles to start on the event loops.
 */
@Startup
@ApplicationScoped
public class Lanes {

  /** An event loop, the model connections used only from it, and its turns' event batches. */
  record Lane(Context context, HttpClient model, EventBatches batches) {}

  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  Lanes(Vertx vertx, ModelClient model, EventLoopRedis redis, AiConfig config) {
    int batch = config.batchSize();
    if (batch < 1) {
      throw new IllegalArgumentException("BATCH_SIZE is " + batch + ": it must be at least 1");
    }
    int loops = 0;
    for (var ignored : vertx.nettyEventLoopGroup()) {
      loops++;
    }
    try {
      vertx
          .deployVerticle(
              () -> new LaneVerticle(model, redis, batch),
              new DeploymentOptions().setInstances(loops))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the turns' event-loop lanes", e);
    }
    Log.infof("Lanes of turns: %d, one per event loop (AI_EVENT_LOOPS)", lanes.size());
  }

  int size() {
    return lanes.size();
  }

  /** The lane for a new turn: each in turn. */
  Lane next() {
    return lanes.get(Math.floorMod(next.getAndIncrement(), lanes.size()));
  }

  private final class LaneVerticle extends AbstractVerticle {
    private final ModelClient model;
    private final EventLoopRedis configured;
    private final int batch;
    private HttpClient http;
    private Redis redis;

    LaneVerticle(ModelClient model, EventLoopRedis configured, int batch) {
      this.model = model;
      this.configured = configured;
      this.batch = batch;
    }

    @Override
    public void start() {
      // Created on this verticle's event loop: their connections are made on it.
      http = model.newPool(vertx);
      redis = configured.create(vertx, RedisConfig.DEFAULT_CLIENT_NAME, 0);
      lanes.add(new Lane(context, http, new EventBatches(redis, batch)));
    }

    @Override
    public void stop() {
      redis.close();
      http.close();
    }
  }
}
