package dev.aicoder.gateway.security;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.Tokens;
import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The token signing key, made once and shared through Redis so every gateway replica signs with the
 * same key and chat-websocket can verify with its public half. Loaded in the background from start,
 * so the gateway starts (not ready) while Redis is down. With {@code AI_CODER_SIGNING_KEY_FILE} the
 * key comes from that file on every replica and Redis only ever holds its public half.
 */
@ApplicationScoped
public class SigningKeys {

  /** Stores the key only when none exists, so two replicas starting together agree on one. */
  private static final String CREATE_ONCE =
      "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end"
          + " return redis.call('HGETALL', KEYS[1])";

  /** Replaces the stored key with the mounted key's public half (a new file is a rotation). */
  private static final String PUBLISH =
      "redis.call('DEL', KEYS[1]) redis.call('HSET', KEYS[1], unpack(ARGV))";

  private static final long RECHECK_MS = 60_000;

  private final RedisDataSource redis;
  private final Optional<SigningKey> mounted;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Loaded loaded;

  SigningKeys(RedisDataSource redis, GatewayConfig config) {
    this.redis = redis;
    this.mounted = config.auth().signingKeyFile().map(SigningKeys::read);
    if (mounted.isEmpty() && LaunchMode.current() == LaunchMode.NORMAL) {
      Log.warn(
          "The token signing key is kept in Redis, private half included; mount one with"
              + " AI_CODER_SIGNING_KEY_FILE to keep it out of Redis");
    }
  }

  private static SigningKey read(java.nio.file.Path file) {
    try {
      return SigningKey.fromPem(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read AI_CODER_SIGNING_KEY_FILE " + file + ": " + e.getMessage(), e);
    }
  }

  void preload(@Observes StartupEvent event) {
    refreshInBackground();
  }

  /**
   * The key and a verifier for it. Never blocks once a key is known: a re-check that is due runs on
   * a worker thread while the known key keeps serving, so event-loop routes may call this. Before
   * the first load only a worker thread may wait for Redis; an event-loop caller gets an {@link
   * IllegalStateException} (answered 503) and the load starts in the background.
   */
  public Loaded current() {
    Loaded now = loaded;
    if (now != null) {
      if (System.currentTimeMillis() - now.loadedAtMs() > RECHECK_MS) {
        refreshInBackground();
      }
      return now;
    }
    if (Context.isOnEventLoopThread()) {
      refreshInBackground();
      throw new IllegalStateException("The signing key is not loaded yet.");
    }
    synchronized (this) {
      if (loaded == null) {
        loaded = load(null);
      }
      return loaded;
    }
  }

  /** Makes the next {@link #current()} re-check Redis (tests). */
  void expire() {
    Loaded now = loaded;
    if (now != null) {
      loaded = new Loaded(now.key(), now.tokens(), 0);
    }
  }

  private void refreshInBackground() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    Infrastructure.getDefaultWorkerPool()
        .execute(
            () -> {
              Loaded now = loaded;
              try {
                loaded = load(now);
              } catch (RuntimeException e) {
                Log.warnf("Could not check the signing key in Redis: %s", e.getMessage());
                if (now != null) {
                  // Keep signing with the known key; try again in a minute, not per request.
                  loaded = new Loaded(now.key(), now.tokens(), System.currentTimeMillis());
                }
              } finally {
                refreshing.set(false);
              }
            });
  }

  /**
   * The stored key. When none is stored (first start, a wiped Redis) this replica's key, or a new
   * one, is stored, unless another replica stores its own first.
   */
  private Loaded load(Loaded known) {
    Map<String, String> fields = redis.hash(String.class).hgetall(AuthKeys.SIGNING_KEY);
    if (mounted.isPresent()) {
      SigningKey key = mounted.get();
      if (!key.id().equals(fields.get("id")) || fields.containsKey("private")) {
        List<String> args = new ArrayList<>(List.of(PUBLISH, "1", AuthKeys.SIGNING_KEY));
        key.publicOnly().toFields().forEach((field, value) -> args.addAll(List.of(field, value)));
        redis.execute("EVAL", args.toArray(String[]::new));
        Log.infof("Signing tokens with the mounted key %s; Redis holds its public half", key.id());
      }
      return known != null
          ? new Loaded(known.key(), known.tokens(), System.currentTimeMillis())
          : new Loaded(key, new Tokens(key), System.currentTimeMillis());
    }
    if (fields.isEmpty()) {
      fields =
          createOnce(known != null ? known.key() : SigningKey.generate(System.currentTimeMillis()));
    }
    SigningKey key = SigningKey.fromFields(fields, true);
    long now = System.currentTimeMillis();
    if (known != null && known.key().id().equals(key.id())) {
      return new Loaded(known.key(), known.tokens(), now);
    }
    Log.infof("Signing tokens with key %s", key.id());
    return new Loaded(key, new Tokens(key), now);
  }

  private Map<String, String> createOnce(SigningKey offered) {
    List<String> args = new ArrayList<>(List.of(CREATE_ONCE, "1", AuthKeys.SIGNING_KEY));
    offered.toFields().forEach((field, value) -> args.addAll(List.of(field, value)));
    var reply = redis.execute("EVAL", args.toArray(String[]::new));
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      fields.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return fields;
  }

  /** A signing key with its verifier, and when it was last checked against Redis. */
  public record Loaded(SigningKey key, Tokens tokens, long loadedAtMs) {}
}
