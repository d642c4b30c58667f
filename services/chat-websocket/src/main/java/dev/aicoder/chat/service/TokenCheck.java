package dev.aicoder.chat.service;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.InvalidTokenException;
import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.auth.Tokens;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the gateway's access tokens at the WebSocket handshake: signature and expiry with the
 * public key the gateway publishes in Redis, then revocation (signed out tokens).
 */
@ApplicationScoped
public class TokenCheck {

  /**
   * How long a loaded key is trusted before Redis is asked again (the gateway may have rotated it).
   */
  private static final long RELOAD_MS = 60_000;

  private final RedisDataSource redis;
  private volatile Loaded loaded;

  TokenCheck(RedisDataSource redis) {
    this.redis = redis;
  }

  /** The token's claims, or null when it is invalid, expired or signed out. */
  public TokenClaims check(String token) {
    TokenClaims claims = verify(token, false);
    if (claims == null) {
      claims = verify(token, true); // the key may have changed since it was loaded
    }
    if (claims == null) {
      return null;
    }
    if (redis.key().exists(AuthKeys.revoked(claims.tokenId()))) {
      Log.debugf("Refused a signed-out token of %s", claims.user());
      return null;
    }
    return claims;
  }

  /** Which of these token ids were signed out, in one Redis call. */
  public Set<String> revoked(List<String> tokenIds) {
    if (tokenIds.isEmpty()) {
      return Set.of();
    }
    String[] keys = tokenIds.stream().map(AuthKeys::revoked).toArray(String[]::new);
    Map<String, String> found = redis.value(String.class).mget(keys);
    Set<String> revoked = new HashSet<>();
    for (String id : tokenIds) {
      if (found.get(AuthKeys.revoked(id)) != null) {
        revoked.add(id);
      }
    }
    return revoked;
  }

  private TokenClaims verify(String token, boolean reload) {
    Tokens tokens = tokens(reload);
    if (tokens == null) {
      return null;
    }
    try {
      return tokens.verify(token);
    } catch (InvalidTokenException e) {
      return null;
    }
  }

  private Tokens tokens(boolean reload) {
    Loaded now = loaded;
    long age = now == null ? Long.MAX_VALUE : System.currentTimeMillis() - now.atMs();
    if (now == null || age > RELOAD_MS || (reload && age > 1000)) {
      Map<String, String> fields = redis.hash(String.class).hgetall(AuthKeys.SIGNING_KEY);
      if (fields.isEmpty()) {
        Log.warn("No token signing key in Redis yet: the gateway publishes it when it starts");
        return null;
      }
      SigningKey key = SigningKey.fromFields(fields, false);
      now = new Loaded(new Tokens(key), System.currentTimeMillis());
      loaded = now;
    }
    return now.tokens();
  }

  private record Loaded(Tokens tokens, long atMs) {}
}
