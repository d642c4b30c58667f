package dev.aicoder.ai.stream;

import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.ai.service.TurnMetrics;
import dev.aicoder.ai.service.TurnRefusals;
import dev.aicoder.ai.service.TurnService;
import dev.aicoder.common.Resources;
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
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads {@link Keys#REQUESTS} through the consumer group on a dedicated Redis connection, never
 * taking more requests than this instance has free slots for; claims the requests of dead workers;
 * keeps its own in-flight requests fresh so no live turn is claimed; and listens for cancels.
 */
@ApplicationScoped
public class RequestConsumer {

  private static final long CANCEL_CHECK_MS = 50;
  private static final String EXPIRE_CONSUMERS = Resources.text("/lua/expire-consumers.lua");

  private final AiConfig config;
  private final TurnService turns;
  private final TurnRefusals refusals;
  private final TurnMetrics metrics;
  private final StreamCommands<String, String, String> reader;
  private final StreamCommands<String, String, String> streams;
  private final RedisDataSource redis;
  private final String consumer;
  private final Semaphore slots;
  private final AtomicBoolean cancelCheckArmed = new AtomicBoolean();
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "requests-upkeep"));
  private volatile boolean running;

  /** Free slots the reader holds while it reads: still free, for what this worker advertises. */
  private volatile int readerHolds;

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
        ConsumerName.of(config.instanceId(), System.getenv(), ProcessHandle.current().pid());
    this.slots = new Semaphore(config.maxConcurrentStreams());
  }

  void start(@Observes StartupEvent event) {
    running = true;
    metrics.queuedGauge(this::queued);
    metrics.lagGauge(this::lag);
    readLoop = new Thread(this::readLoop, "requests-reader");
    readLoop.setDaemon(true);
    readLoop.start();
    long upkeepEvery = claimEvery().toMillis();
    ticks.scheduleWithFixedDelay(this::upkeep, upkeepEvery, upkeepEvery, TimeUnit.MILLISECONDS);
    Log.infof(
        "Consumer %s reads %s with up to %d concurrent turns",
        consumer, Keys.REQUESTS, config.maxConcurrentStreams());
  }

  /** Whether this instance takes new requests: not once it is stopping. */
  public boolean isReading() {
    return running;
  }

  /**
   * On SIGTERM: takes no more requests at once, lets running turns finish within the grace period,
   * and hands the rest over. Those stay unacknowledged and are marked idle, so another worker
   * claims them on its next look and restarts them, instead of waiting out claimIdle.
   */
  void stop(@Observes ShutdownEvent event) {
    running = false;
    Log.infof("Stopping: no new requests; running turns get %s", config.shutdownGrace());
    try {
      // Whatever its last read returned is dispatched before the running turns are counted.
      if (readLoop != null) {
        readLoop.join(config.readBlock().plusSeconds(1).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Upkeep goes on meanwhile: it keeps the running turns' requests from being claimed, and
    // cancels still reach them.
    List<String> handedOver = turns.drain(config.shutdownGrace());
    ticks.shutdownNow();
    try {
      ticks.awaitTermination(2, TimeUnit.SECONDS); // its last refresh must not undo the mark below
      if (!handedOver.isEmpty()) {
        redis.execute("XCLAIM", markIdle(handedOver));
        Log.infof("Handed over %d turns to the other workers", handedOver.size());
      }
      redis.hash(String.class).hdel(Keys.WORKERS, consumer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Log.warnf("Could not hand over or deregister cleanly (%s)", e.getMessage());
    }
  }

  /**
   * XCLAIM's arguments to claim the entries for ourselves with IDLE at claimIdle: claimable by the
   * other workers at once, and not counted as one more delivery (JUSTID).
   */
  private String[] markIdle(List<String> entryIds) {
    List<String> args = new ArrayList<>(List.of(Keys.REQUESTS, Keys.GROUP, consumer, "0"));
    args.addAll(entryIds);
    args.addAll(List.of("IDLE", Long.toString(config.claimIdle().toMillis()), "JUSTID"));
    return args.toArray(String[]::new);
  }

  /**
   * Takes requests only for slots it already holds: a request read with no slot free would sit in
   * this instance's pending list un-started, and another worker would claim it after claimIdle and
   * run it too. Claims of dead workers' requests happen here as well, for the same slots, so a read
   * blocking with every free slot never starves them.
   */
  private void readLoop() {
    long backoffMs = 100;
    long nextClaim = System.nanoTime();
    long claimEvery = claimEvery().toNanos();
    while (running) {
      int held = 0;
      try {
        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue; // every slot busy; look at running again
        }
        held = 1 + slots.drainPermits();
        readerHolds = held;
        ensureGroup();
        List<StreamMessage<String, String, String>> claimed = List.of();
        if (System.nanoTime() - nextClaim >= 0) {
          claimed = claim(held);
          nextClaim = System.nanoTime() + claimEvery;
        }
        List<StreamMessage<String, String, String>> read =
            claimed.isEmpty()
                ? reader.xreadgroup(
                    Keys.GROUP,
                    consumer,
                    Keys.REQUESTS,
                    ">",
                    new XReadGroupArgs().count(held).block(blockUntil(nextClaim)))
                : List.of();
        for (StreamMessage<String, String, String> entry : claimed) {
          held--;
          Log.infof("Claimed request %s from a worker that stopped answering", entry.id());
          dispatch(entry, true);
        }
        for (StreamMessage<String, String, String> entry : read) {
          held--;
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
      } finally {
        readerHolds = 0;
        slots.release(held);
      }
    }
  }

  /**
   * The read blocks no longer than until the next claim is due (and at least 1 ms: 0 is forever).
   */
  private Duration blockUntil(long nextClaimNanos) {
    long left = Math.max(TimeUnit.MILLISECONDS.toNanos(1), nextClaimNanos - System.nanoTime());
    return Duration.ofNanos(Math.min(config.readBlock().toNanos(), left));
  }

  private String claimCursor = "0-0";

  /**
   * Claims up to {@code count} requests idle past claimIdle, walking the pending list from where
   * the last claim stopped, so fresh entries at its head never hide a dead worker's further on.
   */
  private List<StreamMessage<String, String, String>> claim(int count) {
    ClaimedMessages<String, String, String> claimed =
        streams.xautoclaim(
            Keys.REQUESTS, Keys.GROUP, consumer, config.claimIdle(), claimCursor, count);
    claimCursor = claimed.getId() == null ? "0-0" : claimed.getId();
    return claimed.getMessages();
  }

  private Duration claimEvery() {
    return Duration.ofMillis(Math.max(200, config.claimIdle().toMillis() / 3));
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
   * Arms the next cancel check unless one is armed. Checks run only while turns do: checking every
   * 50 ms woke an idle worker 20 times a second for nothing, 0.37 % of a core on the development
   * machine (benchmarks/chat-latency).
   */
  private void checkCancelsSoon() {
    if (cancelCheckArmed.compareAndSet(false, true)) {
      try {
        ticks.schedule(this::cancelCheckTick, CANCEL_CHECK_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // Stopping: the running turns are handed over, not cancelled here.
      }
    }
  }

  private void cancelCheckTick() {
    try {
      checkCancels();
    } finally {
      cancelCheckArmed.set(false);
    }
    // After the flag is cleared: a turn handed over meanwhile either armed it or is seen here.
    if (turns.busy()) {
      checkCancelsSoon();
    }
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
      checkCancelsSoon();
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

  /** This instance's consumer name in the group. */
  String name() {
    return consumer;
  }

  /** Keeps own requests fresh, advertises free slots, and removes consumers that are gone. */
  private void upkeep() {
    try {
      Set<String> mine = turns.inFlightEntryIds();
      if (!mine.isEmpty()) {
        streams.xclaim(
            Keys.REQUESTS,
            Keys.GROUP,
            consumer,
            Duration.ZERO,
            new XClaimArgs().justId(),
            mine.toArray(String[]::new));
      }
      redis
          .hash(String.class)
          .hset(
              Keys.WORKERS,
              consumer,
              (running ? slots.availablePermits() + readerHolds : 0)
                  + ":"
                  + System.currentTimeMillis());
      expireConsumers();
    } catch (RuntimeException e) {
      forgetGroupIfGone(e);
      Log.debugf("Upkeep failed: %s", e.getMessage());
    }
  }

  /** Consumers of workers that are gone, once other workers claimed what they held. */
  private void expireConsumers() {
    Response removed =
        redis.execute(
            "EVAL",
            EXPIRE_CONSUMERS,
            "2",
            Keys.REQUESTS,
            Keys.WORKERS,
            Keys.GROUP,
            Long.toString(config.consumerExpiry().toMillis()),
            consumer,
            Long.toString(System.currentTimeMillis()));
    if (removed != null && removed.size() > 0) {
      Log.infof("Removed the consumers of workers that are gone: %s", removed);
    }
  }

  /**
   * Requests in the stream no worker has read yet (XINFO GROUPS {@code lag}, Redis 7); NaN when
   * Redis cannot tell (after XDEL) or does not answer, so a rule sees a gap rather than a zero.
   */
  private Number lag() {
    try {
      for (Response group : redis.execute("XINFO", "GROUPS", Keys.REQUESTS)) {
        if (Keys.GROUP.equals(group.get("name").toString())) {
          Response lag = group.get("lag");
          return lag == null ? Double.NaN : lag.toLong();
        }
      }
      return Double.NaN;
    } catch (RuntimeException e) {
      return Double.NaN;
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
