package dev.aicoder.chat.service;

import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open connections of this instance: admission under {@code MAX_CONNECTIONS}, lookup by
 * connection id, and the heartbeat that closes connections which stopped answering pings.
 */
@ApplicationScoped
public class Sessions {

  private final ChatConfig config;
  private final Viewers viewers;
  private final TokenCheck tokens;
  private final ConversationAccess access;
  private final Map<String, Session> byConnection = new ConcurrentHashMap<>();
  private final Map<String, Integer> perUser = new HashMap<>(); // guarded by this
  private final Counter dead;
  private volatile boolean draining;
  private long sweeps; // heartbeat thread only

  /** The heartbeat's connections are pinged in this many slices, one after the other. */
  private static final int SLICES = 20;

  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ws-heartbeat"));

  Sessions(
      ChatConfig config,
      Viewers viewers,
      TokenCheck tokens,
      ConversationAccess access,
      MeterRegistry metrics) {
    this.config = config;
    this.tokens = tokens;
    this.viewers = viewers;
    this.access = access;
    this.dead =
        Counter.builder("aicoder.ws.dead.closed")
            .description("Connections closed because they stopped answering pings")
            .register(metrics);
    // Counted by ChatEndpoint, which exists only from the first connection: registered here, at
    // startup, so the first resume is a step a rate can see and not a series born at 1.
    metrics.counter("aicoder.ws.resumes");
    metrics.gauge("aicoder.ws.connections", byConnection, Map::size);
    metrics.gauge(
        "aicoder.ws.send.queue.max",
        byConnection,
        m -> m.values().stream().mapToInt(Session::sendQueueDepth).max().orElse(0));
  }

  void start(@Observes StartupEvent event) {
    long every = Math.max(1, config.heartbeat().toMillis() / SLICES);
    heartbeat.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    long check = config.tokenCheck().toMillis();
    heartbeat.scheduleWithFixedDelay(this::checkTokens, check, check, TimeUnit.MILLISECONDS);
    long recheck = config.accessCheck().toMillis();
    heartbeat.scheduleWithFixedDelay(this::checkAccess, recheck, recheck, TimeUnit.MILLISECONDS);
  }

  /**
   * Drains on SIGTERM, before the HTTP server stops (Quarkus's shutdown delay phase): not ready, no
   * new connections, and the turns keep streaming; after the drain delay every connection is closed
   * with 1012 so its client reconnects elsewhere and resumes its turns there.
   */
  void drain(@Observes ShutdownDelayInitiatedEvent event) {
    draining = true;
    Log.infof(
        "Shutting down: %d connections are closed in %d ms",
        byConnection.size(), config.drainDelay().toMillis());
    long deadline = System.nanoTime() + config.drainDelay().toNanos();
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(Math.min(deadline - System.nanoTime(), 100_000_000L));
    }
    for (Session session : List.copyOf(byConnection.values())) {
      session.close(1012, "service restart: reconnect");
    }
    // The close frames go out on the event loops; give them a moment before the server stops.
    long closed = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (byConnection.values().stream().anyMatch(Session::isOpen) && System.nanoTime() < closed) {
      LockSupport.parkNanos(10_000_000L);
    }
  }

  /** Whether the instance is shutting down: it takes no new connections and is not ready. */
  public boolean draining() {
    return draining;
  }

  void stop(@Observes ShutdownEvent event) {
    heartbeat.shutdownNow();
  }

  /** Whether a connection was admitted, or which limit refused it. */
  public enum Admission {
    ADMITTED,
    INSTANCE_FULL,
    USER_FULL,
    DRAINING
  }

  /** Admits a session unless the instance, or its user's share of it, is full. */
  public synchronized Admission admit(Session session) {
    if (draining) {
      return Admission.DRAINING;
    }
    if (byConnection.size() >= config.maxConnections()) {
      return Admission.INSTANCE_FULL;
    }
    int ofUser = perUser.getOrDefault(session.userId(), 0);
    if (ofUser >= config.maxConnectionsPerUser()) {
      return Admission.USER_FULL;
    }
    perUser.put(session.userId(), ofUser + 1);
    byConnection.put(session.id(), session);
    return Admission.ADMITTED;
  }

  public Session get(String connectionId) {
    return byConnection.get(connectionId);
  }

  public void remove(String connectionId) {
    Session session;
    synchronized (this) {
      session = byConnection.remove(connectionId);
      if (session != null) {
        perUser.computeIfPresent(session.userId(), (u, n) -> n > 1 ? n - 1 : null);
      }
    }
    if (session != null) {
      viewers.leaveAll(session);
    }
  }

  /** Drops what connections watch but may no longer see (unshared, deleted, left the team). */
  private void checkAccess() {
    try {
      access.recheck(List.copyOf(byConnection.values()));
    } catch (RuntimeException e) {
      Log.warnf("Checking access to watched conversations failed: %s", e.getMessage());
    }
  }

  /**
   * Closes connections whose token expired or was signed out since the handshake, so a revoked
   * token stops receiving answers too; the client then asks the user to sign in again.
   */
  private void checkTokens() {
    try {
      long now = System.currentTimeMillis();
      List<Session> open = List.copyOf(byConnection.values());
      Set<String> revoked =
          tokens.revoked(open.stream().map(s -> s.token().tokenId()).distinct().toList());
      for (Session session : open) {
        if (session.token().expiresAtMs() <= now) {
          session.close(1008, "the access token expired; sign in again");
        } else if (revoked.contains(session.token().tokenId())) {
          session.close(1008, "signed out");
        }
      }
    } catch (RuntimeException e) {
      Log.debugf("Token check failed: %s", e.getMessage());
    }
  }

  /**
   * Pings one slice of the connections and closes those of it silent for three heartbeats. Every
   * connection is in one slice, so each is pinged once a heartbeat; spread over the heartbeat, the
   * pings of thousands of connections never queue all at once ahead of the turns' events.
   */
  private void sweep() {
    int slice = (int) (sweeps++ % SLICES);
    long silentFor = 3 * config.heartbeat().toNanos();
    long now = System.nanoTime();
    for (Session session : byConnection.values()) {
      if (Math.floorMod(session.id().hashCode(), SLICES) != slice) {
        continue;
      }
      try {
        if (now - session.lastSeenNanos() > silentFor) {
          dead.increment();
          session.close(1001, "no answer to pings");
        } else {
          session.ping();
        }
      } catch (RuntimeException e) {
        Log.debugf("Heartbeat of %s failed: %s", session.id(), e.getMessage());
      }
    }
  }
}
