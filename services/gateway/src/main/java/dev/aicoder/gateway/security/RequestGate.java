package dev.aicoder.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.Resources;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.config.LocalCaches;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-address and per-user request limits and token revocation, shared across gateway replicas
 * through Redis without a Redis call per request: each replica counts locally and adds its counts
 * to the shared windows {@link #SYNC_MS} ms after the first unsent count, learning the other
 * replicas' totals in the same call (no timer while no request comes: an idle gateway woke 10 times
 * a second for nothing; benchmarks/chat-latency); a token's revocation is looked up at most once
 * per {@link #REVOCATION_RECHECK_MS} ms. So a limit holds across replicas to within one sync, and a
 * sign-out reaches every replica within a second (at once on the replica that handled it).
 */
@ApplicationScoped
public class RequestGate {

  /** What the gate decided. */
  public enum Verdict {
    OK,
    LIMITED,
    REVOKED
  }

  static final long SYNC_MS = 100;
  static final long REVOCATION_RECHECK_MS = 1000;
  private static final String SCRIPT = Resources.text("/lua/request-gate.lua");

  private final ReactiveRedisDataSource redis;
  private final Vertx vertx;
  private final GatewayConfig.Limits limits;
  private final long windowMs;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Cache<String, Revocation> revocations;
  private final AtomicBoolean syncing = new AtomicBoolean();
  private final AtomicBoolean syncArmed = new AtomicBoolean();

  RequestGate(
      ReactiveRedisDataSource redis, Vertx vertx, GatewayConfig config, LocalCaches caches) {
    // A token not seen for a minute is looked up afresh when it comes back.
    this.revocations =
        caches.build(
            "token-revocations",
            Caffeine.newBuilder()
                .maximumSize(config.caches().revocations())
                .expireAfterWrite(Duration.ofMinutes(1)));
    this.redis = redis;
    this.vertx = vertx;
    this.limits = config.limits();
    this.windowMs = Math.max(1000, limits.window().toMillis());
  }

  /** Counts the request against its windows; {@code claims} is null for anonymous requests. */
  public Uni<Verdict> admit(String ip, TokenClaims claims, long nowMs) {
    Verdict known = admitKnown(ip, claims, nowMs);
    if (known != null) {
      return Uni.createFrom().item(known);
    }
    return redis
        .key()
        .exists(AuthKeys.revoked(claims.tokenId()))
        .map(
            revoked -> {
              remember(claims, revoked, nowMs);
              return revoked ? Verdict.REVOKED : limited(ip, claims, nowMs);
            });
  }

  /**
   * {@link #admit} when this replica knows whether the token is revoked (almost always), without
   * Mutiny; null, with nothing counted, when Redis must be asked.
   */
  public Verdict admitKnown(String ip, TokenClaims claims, long nowMs) {
    if (claims != null) {
      Revocation known = revocations.getIfPresent(claims.tokenId());
      if (known == null) {
        return null;
      }
      if (known.revoked()) {
        return Verdict.REVOKED;
      }
      if (nowMs - known.checkedAtMs() >= REVOCATION_RECHECK_MS) {
        return null;
      }
    }
    return limited(ip, claims, nowMs);
  }

  private Verdict limited(String ip, TokenClaims claims, long nowMs) {
    long window = nowMs / windowMs;
    boolean over = count(GatewayKeys.ipWindow(ip, window), window) > limits.requestsPerIp();
    if (claims != null) {
      over |=
          count(GatewayKeys.userWindow(claims.user(), window), window) > limits.requestsPerUser();
    }
    return over ? Verdict.LIMITED : Verdict.OK;
  }

  /** Marks a token signed out on this replica at once (others learn it from Redis). */
  public void revoked(TokenClaims claims) {
    remember(claims, true, System.currentTimeMillis());
  }

  /** Seconds until the current window ends. */
  public long retryAfterSeconds(long nowMs) {
    return Math.max(1, (windowMs - nowMs % windowMs + 999) / 1000);
  }

  private long count(String key, long window) {
    Window w = windows.computeIfAbsent(key, k -> new Window(window));
    long seen = w.total + w.unsynced.incrementAndGet();
    syncSoon();
    return seen;
  }

  /** Arms the next sync unless one is armed. */
  private void syncSoon() {
    if (syncArmed.compareAndSet(false, true)) {
      vertx.setTimer(
          SYNC_MS,
          id -> {
            syncArmed.set(false); // a count from now on arms the next one
            sync();
          });
    }
  }

  private void remember(TokenClaims claims, boolean revoked, long nowMs) {
    revocations.put(claims.tokenId(), new Revocation(revoked, nowMs));
  }

  /** Adds this replica's counts to Redis and learns the shared totals; drops ended windows. */
  private void sync() {
    long current = System.currentTimeMillis() / windowMs;
    windows.entrySet().removeIf(e -> e.getValue().window < current - 1);
    List<String> keys = new ArrayList<>();
    List<Window> counted = new ArrayList<>();
    List<String> args = new ArrayList<>(List.of(Long.toString(2 * windowMs / 1000 + 1)));
    windows.forEach(
        (key, w) -> {
          long delta = w.unsynced.get();
          if (delta > 0) {
            keys.add(key);
            counted.add(w);
            args.add(Long.toString(delta));
          }
        });
    if (keys.isEmpty() || !syncing.compareAndSet(false, true)) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(SCRIPT, Integer.toString(keys.size())));
    command.addAll(keys);
    command.addAll(args);
    redis
        .execute("EVAL", command.toArray(String[]::new))
        .subscribe()
        .with(
            totals -> {
              for (int i = 0; i < counted.size(); i++) {
                Window w = counted.get(i);
                long delta = Long.parseLong(args.get(i + 1));
                w.unsynced.addAndGet(-delta);
                w.total = totals.get(i).toLong();
              }
              synced();
            },
            e -> {
              // Counts stay local and are added at the next sync; limits still hold per replica.
              Log.debugf("Rate-limit sync failed: %s", e.getMessage());
              synced();
            });
  }

  /** Counts that came while the sync was in flight, or that it failed to send, go in the next. */
  private void synced() {
    syncing.set(false);
    if (windows.values().stream().anyMatch(w -> w.unsynced.get() > 0)) {
      syncSoon();
    }
  }

  /** One rate-limit window: the shared total last learned, plus this replica's unsent count. */
  private static final class Window {
    final long window;
    final AtomicLong unsynced = new AtomicLong();
    volatile long total;

    Window(long window) {
      this.window = window;
    }
  }

  private record Revocation(boolean revoked, long checkedAtMs) {}
}
