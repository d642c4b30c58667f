package dev.aicoder.bench.cache;

import dev.aicoder.cache.service.EntryCodec;
import dev.aicoder.cache.service.KeyRing;
import dev.aicoder.cache.service.RedisTier;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An L2 hit of a 4 KB text value stored LZ4-compressed and AES-256-GCM-encrypted ({@link
 * RedisTier#get} then {@link EntryCodec#decode}), next to a raw {@code GET} of the same 4 KB as a
 * plain string through the same Redis client, and the decode alone. Redis on {@code -Dredis.port}.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class L2Benchmark {

  private static final String NAMESPACE = "answers";
  private static final String KEY = "q-4k";
  private static final String RAW_KEY = "bench:raw-4k";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Vertx vertx;
  private Redis redis;
  private RedisTier tier;
  private EntryCodec codec;
  private byte[] encoded;

  @Setup
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, "redis://127.0.0.1:" + Integer.getInteger("redis.port"));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    codec =
        new EntryCodec(
            KeyRing.of(Optional.of(Base64.getEncoder().encodeToString(key)), List.of()), 512);
    tier = new RedisTier(redis, 256L << 20);
    byte[] value = Texts.text(4096, 7);
    long expires = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    encoded = codec.encode(NAMESPACE, KEY, value, expires);
    // Flags byte 3: 1 compressed, 2 encrypted. The benchmark is about entries that are both.
    if (encoded[3] != 3) {
      throw new IllegalStateException("entry flags " + encoded[3] + ", expected 3");
    }
    tier.put(NAMESPACE, KEY, encoded, expires, "aicoder:cache-invalidations", "benchmark");
    redis
        .send(
            Request.cmd(Command.SET).arg(RAW_KEY).arg(new String(value, StandardCharsets.US_ASCII)))
        .await()
        .atMost(TIMEOUT);
    if (!Arrays.equals(l2Hit(), value) || !Arrays.equals(rawGet(), value)) {
      throw new IllegalStateException("Redis did not return the values written");
    }
    System.out.printf(
        "%nL2 entry: %d bytes of text stored as %d bytes (LZ4 + AES-256-GCM + header)%n",
        value.length, encoded.length);
  }

  @TearDown
  public void tearDown() {
    redis.close();
    vertx.closeAndAwait();
  }

  @Benchmark
  public byte[] l2Hit() throws EntryCodec.CorruptEntry, EntryCodec.UnknownKey {
    return codec
        .decode(NAMESPACE, KEY, tier.get(NAMESPACE, KEY), System.currentTimeMillis())
        .value();
  }

  @Benchmark
  public byte[] rawGet() {
    return redis.send(Request.cmd(Command.GET).arg(RAW_KEY)).await().atMost(TIMEOUT).toBytes();
  }

  /** The decode alone (checksum, AES-GCM, LZ4) of the same entry, no Redis. */
  @Benchmark
  public byte[] decodeOnly() throws EntryCodec.CorruptEntry, EntryCodec.UnknownKey {
    return codec.decode(NAMESPACE, KEY, encoded, System.currentTimeMillis()).value();
  }
}
