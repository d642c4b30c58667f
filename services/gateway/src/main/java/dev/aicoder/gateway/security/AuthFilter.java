package dev.aicoder.gateway.security;

import dev.aicoder.auth.InvalidTokenException;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every API request passes here: the bearer token is verified (except on the few public routes),
 * then the per-address and per-user limits and the token's revocation are checked in one Redis
 * round trip. What it decides is available to resources through {@link Caller}.
 */
public class AuthFilter {

  private static final Set<String> PUBLIC = Set.of("/api/auth/login", "/api/status", "/health");

  private static final int MAX_REMEMBERED = 50_000;

  private final Map<String, TokenClaims> verifiedTokens = new ConcurrentHashMap<>();
  private final SigningKeys keys;
  private final RequestGate gate;
  private final Caller caller;
  private final SecurityCounters counters;

  AuthFilter(SigningKeys keys, RequestGate gate, Caller caller, SecurityCounters counters) {
    this.keys = keys;
    this.gate = gate;
    this.caller = caller;
    this.counters = counters;
  }

  @ServerRequestFilter
  public Uni<Response> authenticate(ContainerRequestContext context, HttpServerRequest request) {
    String path = request.path();
    String ip = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    boolean isPublic = PUBLIC.contains(path);
    caller.set(null, ip); // known even when the gate below cannot reach Redis
    String token = bearer(context.getHeaderString(HttpHeaders.AUTHORIZATION));
    TokenClaims claims = null;
    if (token != null && !isPublic) {
      try {
        claims = verified(token);
      } catch (InvalidTokenException e) {
        counters.count(Reason.BAD_TOKEN);
        return Uni.createFrom().item(unauthorized("The access token is invalid or has expired."));
      } catch (RuntimeException e) {
        Log.warnf("Cannot verify tokens: %s", e.getMessage());
        return Uni.createFrom().item(unavailable());
      }
    } else if (!isPublic) {
      return Uni.createFrom()
          .item(unauthorized("Sign in first: send Authorization: Bearer <token>."));
    }
    TokenClaims verified = claims;
    long now = System.currentTimeMillis();
    return gate.admit(ip, verified, now)
        .map(
            verdict ->
                switch (verdict) {
                  case OK -> {
                    caller.set(verified, ip);
                    yield null;
                  }
                  case REVOKED -> {
                    counters.count(Reason.BAD_TOKEN);
                    yield unauthorized("This token was signed out; sign in again.");
                  }
                  case LIMITED -> {
                    counters.count(Reason.RATE_LIMITED);
                    yield tooManyRequests(
                        gate.retryAfterSeconds(now), "Too many requests; slow down.");
                  }
                })
        .onFailure()
        .recoverWithItem(
            e -> {
              // Health and sign-in must answer while Redis is down (status reports it); signed-in
              // routes must not, as revocation cannot be checked.
              Log.debugf("Request gate unavailable: %s", e.getMessage());
              return isPublic ? null : unavailable();
            });
  }

  /**
   * Verifying a signature costs more than serving a small file, so verified tokens are remembered
   * until they expire (revocation is still checked in Redis on every request).
   */
  private TokenClaims verified(String token) throws InvalidTokenException {
    TokenClaims known = verifiedTokens.get(token);
    long now = System.currentTimeMillis();
    if (known != null && known.expiresAtMs() > now) {
      return known;
    }
    TokenClaims claims = keys.current().tokens().verify(token);
    if (verifiedTokens.size() >= MAX_REMEMBERED) {
      verifiedTokens.clear(); // rare: a cheap bound instead of an eviction policy
    }
    verifiedTokens.put(token, claims);
    return claims;
  }

  private static String bearer(String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() || token.length() > 8192 ? null : token;
  }

  static Response unauthorized(String detail) {
    return new ProblemException(401, "unauthorized", "Unauthorized", detail)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .toResponse();
  }

  /** A 429 problem with {@code Retry-After}. */
  public static Response tooManyRequests(long retryAfterSeconds, String detail) {
    String text = detail + " Retry after " + retryAfterSeconds + " s.";
    return new ProblemException(429, "rate-limited", "Too Many Requests", text)
        .header("Retry-After", Long.toString(retryAfterSeconds))
        .toResponse();
  }

  private static Response unavailable() {
    String text = "The gateway cannot reach Redis; try again shortly.";
    return new ProblemException(503, "redis-unavailable", "Service Unavailable", text)
        .header("Retry-After", "5")
        .toResponse();
  }
}
