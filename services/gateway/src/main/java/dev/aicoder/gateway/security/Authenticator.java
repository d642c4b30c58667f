package dev.aicoder.gateway.security;

import dev.aicoder.auth.InvalidTokenException;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a request may go on: the bearer token is verified (except on the few public
 * routes), then the per-address and per-user limits and the token's revocation are checked by the
 * {@link RequestGate}. Used by the JAX-RS filter and by the routes served straight from Vert.x.
 */
@ApplicationScoped
public class Authenticator {

  /** Routes open without a token; /api/auth/sso is guarded by the OIDC code flow instead. */
  private static final Set<String> PUBLIC =
      Set.of("/api/auth/login", "/api/auth/methods", "/api/auth/sso", "/api/status", "/health");

  private static final int MAX_REMEMBERED = 50_000;

  private final Map<String, TokenClaims> verifiedTokens = new ConcurrentHashMap<>();
  private final SigningKeys keys;
  private final RequestGate gate;
  private final SecurityCounters counters;

  Authenticator(SigningKeys keys, RequestGate gate, SecurityCounters counters) {
    this.keys = keys;
    this.gate = gate;
    this.counters = counters;
  }

  /**
   * The verified claims of the request (null on a public route without a token), or a failure with
   * the {@link ProblemException} to answer: 401, 429 or 503.
   */
  public Uni<TokenClaims> admit(String path, String ip, String authorization) {
    boolean isPublic = PUBLIC.contains(path);
    String token = bearer(authorization);
    TokenClaims claims = null;
    if (token != null && !isPublic) {
      try {
        claims = verified(token);
      } catch (InvalidTokenException e) {
        counters.count(Reason.BAD_TOKEN);
        return Uni.createFrom()
            .failure(unauthorized("The access token is invalid or has expired."));
      } catch (RuntimeException e) {
        Log.warnf("Cannot verify tokens: %s", e.getMessage());
        return Uni.createFrom().failure(unavailable());
      }
    } else if (!isPublic) {
      return Uni.createFrom()
          .failure(unauthorized("Sign in first: send Authorization: Bearer <token>."));
    }
    TokenClaims verified = claims;
    long now = System.currentTimeMillis();
    return gate.admit(ip, verified, now)
        .onFailure()
        .recoverWithUni(
            e -> {
              // Health and sign-in must answer while Redis is down (status reports it); signed-in
              // routes must not, as revocation cannot be checked.
              Log.debugf("Request gate unavailable: %s", e.getMessage());
              return isPublic
                  ? Uni.createFrom().item(RequestGate.Verdict.OK)
                  : Uni.createFrom().failure(unavailable());
            })
        .flatMap(
            verdict ->
                switch (verdict) {
                  case OK -> Uni.createFrom().item(verified);
                  case REVOKED -> {
                    counters.count(Reason.BAD_TOKEN);
                    yield Uni.createFrom()
                        .failure(unauthorized("This token was signed out; sign in again."));
                  }
                  case LIMITED -> {
                    counters.count(Reason.RATE_LIMITED);
                    yield Uni.createFrom()
                        .failure(
                            tooManyRequests(
                                gate.retryAfterSeconds(now), "Too many requests; slow down."));
                  }
                });
  }

  /**
   * Verifying a signature costs more than serving a small file, so verified tokens are remembered
   * until they expire (revocation is still checked by the gate).
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

  static ProblemException unauthorized(String detail) {
    return new ProblemException(401, "unauthorized", "Unauthorized", detail)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
  }

  /** A 429 problem with {@code Retry-After}. */
  public static ProblemException tooManyRequests(long retryAfterSeconds, String detail) {
    String text = detail + " Retry after " + retryAfterSeconds + " s.";
    return new ProblemException(429, "rate-limited", "Too Many Requests", text)
        .header("Retry-After", Long.toString(retryAfterSeconds));
  }

  private static ProblemException unavailable() {
    String text = "The gateway cannot reach Redis; try again shortly.";
    return new ProblemException(503, "redis-unavailable", "Service Unavailable", text)
        .header("Retry-After", "5");
  }
}
