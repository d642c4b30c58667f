package dev.aicoder.gateway.security;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Per-address and per-user request limits and token revocation, decided in one Redis round trip so
 * they hold across gateway replicas. Windows are fixed (a minute by default).
 */
@ApplicationScoped
public class RequestGate {

  /** What the gate decided. */
  public enum Verdict {
    OK,
    LIMITED,
    REVOKED
  }

  private static final String SCRIPT = script("/lua/request-gate.lua");

  private final ReactiveRedisDataSource redis;
  private final GatewayConfig.Limits limits;
  private final long windowMs;

  RequestGate(ReactiveRedisDataSource redis, GatewayConfig config) {
    this.redis = redis;
    this.limits = config.limits();
    this.windowMs = Math.max(1000, limits.window().toMillis());
  }

  /** Counts the request against its windows; {@code claims} is null for anonymous requests. */
  public Uni<Verdict> admit(String ip, TokenClaims claims, long nowMs) {
    long window = nowMs / windowMs;
    String userKey = claims == null ? "" : GatewayKeys.userWindow(claims.user(), window);
    String revokedKey = claims == null ? "" : AuthKeys.revoked(claims.tokenId());
    return redis
        .execute(
            "EVAL",
            SCRIPT,
            "3",
            GatewayKeys.ipWindow(ip, window),
            userKey,
            revokedKey,
            Integer.toString(limits.requestsPerIp()),
            Integer.toString(limits.requestsPerUser()),
            Long.toString(2 * windowMs / 1000 + 1))
        .map(reply -> Verdict.valueOf(reply.get(0).toString().toUpperCase()));
  }

  /** Seconds until the current window ends. */
  public long retryAfterSeconds(long nowMs) {
    return Math.max(1, (windowMs - nowMs % windowMs + 999) / 1000);
  }

  static String script(String resource) {
    try (InputStream in = RequestGate.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("Missing script " + resource, e);
    }
  }
}
