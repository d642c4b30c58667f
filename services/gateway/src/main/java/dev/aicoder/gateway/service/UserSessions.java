package dev.aicoder.gateway.service;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.TokenClaims;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.security.RequestGate;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;

/**
 * The live tokens of each user, so that an admin can end all of a user's sessions. Tokens are
 * signed, not stored, so every issued token id is remembered until it expires; ending the sessions
 * signs each one out exactly as a sign-out does ({@link AuthKeys#revoked}), which every gateway
 * replica and chat-websocket already check.
 */
@ApplicationScoped
public class UserSessions {

  private final SortedSetCommands<String, String> sorted;
  private final ValueCommands<String, String> values;
  private final KeyCommands<String> keys;
  private final RequestGate gate;

  UserSessions(RedisDataSource redis, RequestGate gate) {
    this.sorted = redis.sortedSet(String.class);
    this.values = redis.value(String.class);
    this.keys = redis.key();
    this.gate = gate;
  }

  /** Remembers a newly issued token until it expires. */
  public void issued(TokenClaims claims) {
    String key = GatewayKeys.accountTokens(claims.user());
    long now = System.currentTimeMillis();
    sorted.zremrangebyscore(key, ScoreRange.from(0.0, (double) now));
    sorted.zadd(key, claims.expiresAtMs(), claims.tokenId());
    keys.pexpire(key, Duration.ofMillis(Math.max(1000, claims.expiresAtMs() - now)));
  }

  /**
   * Signs out one token (a sign-out): remembered as revoked until just after it expires. This
   * replica refuses it at once; the others within a second (RequestGate), chat-websocket too.
   */
  public void revoke(TokenClaims claims) {
    long ttlMs = Math.max(1000, claims.expiresAtMs() - System.currentTimeMillis() + 10_000);
    values.psetex(AuthKeys.revoked(claims.tokenId()), ttlMs, claims.user());
    gate.revoked(claims);
  }

  /** Signs out every live token of the user; returns how many there were. */
  public int endAll(String username) {
    String key = GatewayKeys.accountTokens(username);
    long now = System.currentTimeMillis();
    int ended = 0;
    for (ScoredValue<String> token :
        sorted.zrangebyscoreWithScores(key, ScoreRange.from((double) now, 1e18))) {
      revoke(new TokenClaims(username, token.value(), Set.of(), (long) token.score()));
      ended++;
    }
    keys.del(key);
    return ended;
  }
}
