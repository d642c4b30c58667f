package dev.aicoder.gateway.security;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.Tokens;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token signing key, made once and shared through Redis so every gateway replica signs with the
 * same key and chat-websocket can verify with its public half. Loaded on first use, so the gateway
 * starts (not ready) while Redis is down.
 */
@ApplicationScoped
public class SigningKeys {

  /** Stores the key only when none exists, so two replicas starting together agree on one. */
  private static final String CREATE_ONCE =
      "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end"
          + " return redis.call('HGETALL', KEYS[1])";

  private static final long RECHECK_MS = 60_000;

  private final RedisDataSource redis;
  private volatile Loaded loaded;

  SigningKeys(RedisDataSource redis) {
    this.redis = redis;
  }

  /** The key and a verifier for it. */
  public Loaded current() {
    Loaded now = loaded;
    if (now == null || System.currentTimeMillis() - now.loadedAtMs() > RECHECK_MS) {
      synchronized (this) {
        if (loaded == now) {
          try {
            loaded =
                load(now == null ? SigningKey.generate(System.currentTimeMillis()) : now.key());
          } catch (RuntimeException e) {
            if (now == null) {
              throw e;
            }
            Log.warnf("Could not re-check the signing key in Redis: %s", e.getMessage());
          }
        }
        now = loaded;
      }
    }
    return now;
  }

  private Loaded load(SigningKey fresh) {
    List<String> args = new ArrayList<>(List.of("EVAL", CREATE_ONCE, "1", AuthKeys.SIGNING_KEY));
    fresh.toFields().forEach((k, v) -> args.addAll(List.of(k, v)));
    var reply = redis.execute(args.get(0), args.subList(1, args.size()).toArray(String[]::new));
    Map<String, String> fields = new java.util.HashMap<>();
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      fields.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    SigningKey key = SigningKey.fromFields(fields, true);
    Loaded current = loaded;
    if (current != null && current.key().id().equals(key.id())) {
      return new Loaded(current.key(), current.tokens(), System.currentTimeMillis());
    }
    Log.infof("Signing tokens with key %s", key.id());
    return new Loaded(key, new Tokens(key), System.currentTimeMillis());
  }

  /** A signing key with its verifier, and when it was last checked against Redis. */
  public record Loaded(SigningKey key, Tokens tokens, long loadedAtMs) {}
}
