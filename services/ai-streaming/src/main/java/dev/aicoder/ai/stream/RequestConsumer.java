package dev.aicoder.ai.stream;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.service.TurnMetrics;
import dev.aicoder.ai.service.TurnRefusals;
import dev.aicoder.ai.service.TurnService;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Keys;
import io.quarkus.logging.Log;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XClaimArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads {@link Keys#REQUESTS} through the consumer group on a dedicated Redis connection, never
 * taking more requests than this instance has free slots for; claims the requests of dead workers;
 * keeps its own in-flight requests fresh so no live turn is claimed; and listens for cancels.
 */
@ApplicationScoped
public class RequestConsumer {

  private final AiConfig config;
  private final TurnService turns;
  private final TurnRefusals refusals;
  private final TurnMetrics metrics;
  private final StreamCommands<String, String, String> reader;
  private final StreamCommands<String, String, String> streams;
  private final RedisDataSource redis;
  private final String consumer;
  private final Semaphore slots;
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "requests-upkeep"));
  private volatile boolean running;
  private Thread readLoop;

  RequestConsumer(
      AiConfig config,
      TurnService turns,
      TurnRefusals refusals,
      TurnMetrics metrics,
      @RedisClientName("reader") RedisDataSource readerRedis,
      RedisDataSource redis) {
    this.config = config;
    this.turns = turns;
    this.refusals = refusals;
    this.metrics = metrics;
    this.reader = readerRedis.stream(String.class);
    this.streams = redis.stream(String.class);
    this.redis = redis;
    this.consumer =
        config.instanceId().orElse("ai-" + UUID.randomUUID().toString().substring(0, 8));
    this.slots = new Semaphore(config.maxConcurrentStreams());
  }

  void start(@Observes StartupEvent event) {
    running = true;
    metrics.queuedGauge(this::queued);
    readLoop = new Thread(this::readLoop, "requests-reader");
    readLoop.setDaemon(true);
    readLoop.start();
    long claimEvery = Math.max(200, config.claimIdle().toMillis() / 3);
    ticks.scheduleWithFixedDelay(this::upkeep, claimEvery, claimEvery, TimeUnit.MILLISECONDS);
    ticks.scheduleWithFixedDelay(this::checkCancels, 50, 50, TimeUnit.MILLISECONDS);
    Log.infof(
        "Consumer %s reads %s with up to %d concurrent turns",
        consumer, Keys.REQUESTS, config.maxConcurrentStreams());
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    ticks.shutdownNow();
    try {
      redis.hash(String.class).hdel(Keys.WORKERS, consumer);
    } catch (RuntimeException e) {
      Log.debug("Could not deregister the worker", e);
    }
  }

  private void readLoop() {
    long backoffMs = 100;
    while (running) {
      try {
        // Wait for a free slot without holding it: a slot held across the blocking read would
        // keep the claims of dead workers' requests waiting for as long as the read blocks.
        slots.acquire();
        slots.release();
        ensureGroup();
        List<StreamMessage<String, String, String>> entries =
            reader.xreadgroup(
                Keys.GROUP,
                consumer,
                Keys.REQUESTS,
                ">",
                new XReadGroupArgs()
                    .count(Math.max(1, slots.availablePermits()))
                    .block(config.readBlock()));
        for (StreamMessage<String, String, String> entry : entries) {
          slots.acquireUninterruptibly();
          dispatch(entry, false);
        }
        backoffMs = 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        forgetGroupIfGone(e);
        if (running) {
          Log.warnf(
              "Reading %s failed (%s); retrying in %d ms",
              Keys.REQUESTS, e.getMessage(), backoffMs);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
          backoffMs = Math.min(backoffMs * 2, 5000);
        }
      }
    }
  }

  private volatile boolean groupReady;

  private void ensureGroup() {
    if (groupReady) {
      return;
    }
    try {
      streams.xgroupCreate(Keys.REQUESTS, Keys.GROUP, "0", new XGroupCreateArgs().mkstream());
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
        throw e;
      }
    }
    groupReady = true;
  }

  /**
   * Cancels running turns whose cancel key appeared: one MGET per tick for all of them. Polling
   * rather than pub/sub, because a subscription silently dies with its connection when Redis
   * restarts, and a lost cancel leaves the model generating.
   */
  private void checkCancels() {
    List<String> running = turns.runningTurnIds();
    if (running.isEmpty()) {
      return;
    }
    try {
      String[] keys = running.stream().map(Keys::cancelled).toArray(String[]::new);
      Map<String, String> flags = redis.value(String.class).mget(keys);
      for (String turnId : running) {
        if (flags.get(Keys.cancelled(turnId)) != null) {
          turns.cancel(turnId, System.nanoTime());
        }
      }
    } catch (RuntimeException e) {
      Log.debugf("Checking cancels failed: %s", e.getMessage());
    }
  }

  /** A Redis that restarted without persistence lost the group; create it again on next use. */
  private void forgetGroupIfGone(RuntimeException e) {
    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
      groupReady = false;
    }
  }

  /**
   * Hands an entry holding one of this instance's slots to a turn, or refuses it; the slot is
   * released once the entry is done with, whatever happens here.
   */
  private void dispatch(StreamMessage<String, String, String> entry, boolean reclaimed) {
    try {
      RequestEntries.Read read = RequestEntries.read(entry.payload());
      if (read.request() == null) {
        Log.warnf("Refusing request %s: %s", entry.id(), read.problem());
        refusals.refuse(
            entry.id(),
            read.turnId(),
            null,
            ErrorCode.INVALID_FRAME,
            "The assistant could not read this prompt ("
                + read.problem()
                + "); please send it"
                + " again.");
        slots.release();
        return;
      }
      turns.run(entry.id(), read.request(), reclaimed ? deliveries(entry.id()) : 1, slots::release);
    } catch (RuntimeException e) {
      // Left pending: the group hands it out again after claimIdle.
      Log.warnf("Request %s could not be dispatched: %s", entry.id(), e.getMessage());
      slots.release();
    }
  }

  /** How many times the group handed this entry out, the claim that just took it included. */
  private int deliveries(String entryId) {
    List<PendingMessage> pending =
        streams.xpending(Keys.REQUESTS, Keys.GROUP, StreamRange.of(entryId, entryId), 1);
    // An entry claimed a moment ago is pending unless something acknowledged it since; then this
    // delivery is the only one that counts.
    return pending.isEmpty() ? 1 : pending.get(0).getDeliveryCount();
  }

  /** Keeps own requests fresh, claims dead workers' requests, and advertises free slots. */
  private void upkeep() {
    try {
      Set<String> mine = turns.inFlightEntryIds();
      if (!mine.isEmpty()) {
        streams.xclaim(
            Keys.REQUESTS,
            Keys.GROUP,
            consumer,
            java.time.Duration.ZERO,
            new XClaimArgs().justId(),
            mine.toArray(String[]::new));
      }
      ensureGroup();
      while (running && slots.tryAcquire()) {
        ClaimedMessages<String, String, String> claimed =
            streams.xautoclaim(Keys.REQUESTS, Keys.GROUP, consumer, config.claimIdle(), "0-0", 1);
        List<StreamMessage<String, String, String>> messages = claimed.getMessages();
        if (messages.isEmpty()) {
          slots.release();
          break;
        }
        StreamMessage<String, String, String> m = messages.get(0);
        Log.infof("Claimed request %s from a worker that stopped answering", m.id());
        dispatch(m, true);
      }
      redis
          .hash(String.class)
          .hset(
              Keys.WORKERS, consumer, slots.availablePermits() + ":" + System.currentTimeMillis());
    } catch (RuntimeException e) {
      forgetGroupIfGone(e);
      Log.debugf("Upkeep failed: %s", e.getMessage());
    }
  }

  private Number queued() {
    try {
      return streams.xpending(Keys.REQUESTS, Keys.GROUP).getPendingCount() - turns.activeCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
