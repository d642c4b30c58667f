package dev.aicoder.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.aicoder.auth.InvalidTokenException;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.config.LocalCaches;
import dev.aicoder.gateway.security.SecurityCounters.Reason;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.util.Set;

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

  private final Cache<TokenKey, TokenClaims> verifiedTokens;
  private final SigningKeys keys;
  private final RequestGate gate;
  private final SecurityCounters counters;

  Authenticator(
      SigningKeys keys,
      RequestGate gate,
      SecurityCounters counters,
      GatewayConfig config,
      LocalCaches caches) {
    this.verifiedTokens =
        caches.build(
            "token-checks",
            Caffeine.newBuilder()
                .maximumSize(config.caches().tokenChecks())
                .expireAfter(
                    Expiry.<TokenKey, TokenClaims>writing(
                        (key, claims) ->
                            Duration.ofMillis(
                                Math.max(0, claims.expiresAtMs() - System.currentTimeMillis())))));
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
    TokenClaims claims;
    try {
      claims = claims(isPublic, authorization);
    } catch (ProblemException e) {
      return Uni.createFrom().failure(e);
    }
    long now = System.currentTimeMillis();
    return gate.admit(ip, claims, now)
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
        .map(verdict -> decide(verdict, claims, now));
  }

  /**
   * {@link #admit} for a signed-in route served on the event loop, without Mutiny when this replica
   * knows all it needs (almost always): the claims, or null when {@code admit} must ask Redis.
   * Throws the {@link ProblemException} to answer.
   */
  public TokenClaims admitKnown(String ip, String authorization) {
    TokenClaims claims = claims(false, authorization);
    long now = System.currentTimeMillis();
    RequestGate.Verdict verdict = gate.admitKnown(ip, claims, now);
    return verdict == null ? null : decide(verdict, claims, now);
  }

  /** The token's verified claims; null on a public route without one. */
  private TokenClaims claims(boolean isPublic, String authorization) {
    if (isPublic) {
      return null;
    }
    String token = bearer(authorization);
    if (token == null) {
      throw unauthorized("Sign in first: send Authorization: Bearer <token>.");
    }
    try {
      return verified(token);
    } catch (InvalidTokenException e) {
      counters.count(Reason.BAD_TOKEN);
      throw unauthorized("The access token is invalid or has expired.");
    } catch (RuntimeException e) {
      Log.warnf("Cannot verify tokens: %s", e.getMessage());
      throw unavailable();
    }
  }

  private TokenClaims decide(RequestGate.Verdict verdict, TokenClaims claims, long now) {
    return switch (verdict) {
      case OK -> claims;
      case REVOKED -> {
        counters.count(Reason.BAD_TOKEN);
        throw unauthorized("This token was signed out; sign in again.");
      }
      case LIMITED -> {
        counters.count(Reason.RATE_LIMITED);
        throw tooManyRequests(gate.retryAfterSeconds(now), "Too many requests; slow down.");
      }
    };
  }

  /**
   * Verifying a signature costs more than serving a small file, so verified tokens are remembered
   * until they expire, up to {@code caches.token-checks} of them (revocation is still checked by
   * the gate).
   */
  private TokenClaims verified(String token) throws InvalidTokenException {
    TokenKey key = new TokenKey(token);
    TokenClaims known = verifiedTokens.getIfPresent(key);
    long now = System.currentTimeMillis();
    if (known != null && known.expiresAtMs() > now) {
      return known;
    }
    TokenClaims claims = keys.current().tokens().verify(token);
    verifiedTokens.put(key, claims);
    return claims;
  }

  /**
   * A token as a map key. A fresh string arrives with every request, and hashing all of it cost
   * more than the rest of the lookup: the hash takes the signature's last characters, which differ
   * from token to token; equality still compares the whole token.
   */
  private record TokenKey(String token) {
    @Override
    public int hashCode() {
      int h = token.length();
      for (int i = Math.max(0, token.length() - 16); i < token.length(); i++) {
        h = 31 * h + token.charAt(i);
      }
      return h;
    }
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
