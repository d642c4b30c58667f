package dev.aicoder.cache.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class TieredCacheTest {

  @Inject TieredCache cache;
  @Inject RedisDataSource redis;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLowerTierHitIsPromotedToTheTiersAbove() {
    cache.put("promo", "k", bytes("v"), Duration.ofMinutes(5));
    cache.memory.remove("promo", "k");
    assertThat(cache.get("promo", "k").tier()).isEqualTo("redis");
    assertThat(cache.get("promo", "k").tier()).isEqualTo("memory");

    cache.memory.remove("promo", "k");
    redis.key().del(RedisTier.entry("promo", "k"));
    TieredCache.Hit fromFile = cache.get("promo", "k");
    assertThat(fromFile.tier()).isEqualTo("file");
    assertThat(fromFile.value()).isEqualTo(bytes("v"));
    assertThat(redis.key().exists(RedisTier.entry("promo", "k")))
        .as("not copied back to Redis, where it may just have been deleted")
        .isFalse();
    assertThat(cache.get("promo", "k").tier()).isEqualTo("memory");
  }

  @Test
  void entriesExpireInEveryTier() {
    cache.put("ttl", "k", bytes("v"), Duration.ofMillis(300));
    assertThat(cache.get("ttl", "k")).isNotNull();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("ttl", "k") == null);
    assertThat(redis.key().exists(RedisTier.entry("ttl", "k"))).isFalse();
    cache.memory.remove("ttl", "k");
    assertThat(cache.file.get("ttl", "k")).as("the file is still there, but expired").isNotNull();
    assertThat(cache.get("ttl", "k")).isNull();
  }

  @Test
  void aCorruptFileIsDroppedAndCountedNeverServed() throws Exception {
    cache.put("corrupt", "k", bytes("the real value"), Duration.ofMinutes(5));
    cache.memory.remove("corrupt", "k");
    redis.key().del(RedisTier.entry("corrupt", "k"));
    Path file = Path.of("target/cache-files/corrupt/k");
    byte[] stored = Files.readAllBytes(file);
    stored[stored.length / 2] ^= 0x01;
    Files.write(file, stored);

    assertThat(cache.get("corrupt", "k")).isNull();
    assertThat(file).doesNotExist();
    JsonPath stats = given().get("/cache/stats").then().statusCode(200).extract().jsonPath();
    assertThat(stats.getInt("namespaces.corrupt.tiers.file.corrupt")).isEqualTo(1);
  }

  @Test
  void aCorruptRedisEntryIsDroppedAndCounted() {
    cache.put("corrupt-redis", "k", bytes("v"), Duration.ofMinutes(5));
    cache.forget("corrupt-redis", "k");
    redis.value(String.class).set(RedisTier.entry("corrupt-redis", "k"), "garbage");
    assertThat(cache.get("corrupt-redis", "k")).isNull();
    assertThat(redis.key().exists(RedisTier.entry("corrupt-redis", "k"))).isFalse();
    JsonPath stats = given().get("/cache/stats").then().extract().jsonPath();
    assertThat(stats.getInt("namespaces.corrupt-redis.tiers.redis.corrupt")).isEqualTo(1);
  }

  @Test
  void statsAddUp() {
    cache.put("sums", "a", bytes("12345"), Duration.ofMinutes(5));
    cache.put("sums", "b", bytes("123"), Duration.ofMinutes(5));
    cache.get("sums", "a"); // memory hit
    cache.memory.remove("sums", "b");
    cache.get("sums", "b"); // redis hit
    cache.get("sums", "nope"); // miss everywhere
    cache.get("sums", "nope");

    JsonPath s = given().get("/cache/stats").then().statusCode(200).extract().jsonPath();
    String ns = "namespaces.sums.";
    assertThat(s.getInt(ns + "hits")).isEqualTo(2);
    assertThat(s.getInt(ns + "misses")).isEqualTo(2);
    assertThat(s.getDouble(ns + "hitRate")).isEqualTo(0.5);
    assertThat(s.getInt(ns + "tiers.memory.hits")).isEqualTo(1);
    assertThat(s.getInt(ns + "tiers.memory.misses")).isEqualTo(3);
    // Every memory miss went on to Redis, every Redis miss to the files.
    assertThat(s.getInt(ns + "tiers.redis.hits") + s.getInt(ns + "tiers.redis.misses"))
        .isEqualTo(3);
    assertThat(s.getInt(ns + "tiers.file.hits") + s.getInt(ns + "tiers.file.misses"))
        .isEqualTo(s.getInt(ns + "tiers.redis.misses"));
    assertThat(s.getInt(ns + "hits"))
        .isEqualTo(
            s.getInt(ns + "tiers.memory.hits")
                + s.getInt(ns + "tiers.redis.hits")
                + s.getInt(ns + "tiers.file.hits"));
    assertThat(s.getInt(ns + "tiers.redis.entries")).isEqualTo(2);
    assertThat(s.getInt(ns + "tiers.file.entries")).isEqualTo(2);
    assertThat(s.getInt(ns + "tiers.memory.entries")).isEqualTo(2); // b came back from Redis
    assertThat(s.getInt(ns + "tiers.memory.bytes")).isEqualTo(8);
    assertThat(s.getString("redis")).isEqualTo("up");
    assertThat(s.getLong("tiers.memory.latency.count")).isPositive();

    String metrics = given().get("/q/metrics").then().extract().asString();
    assertThat(metrics)
        .contains("cache_gets_total{application=\"cache\",cache=\"sums\",result=\"hit\"} 2.0")
        .contains(
            "aicoder_cache_tier_gets_total{application=\"cache\",namespace=\"sums\",result=\"hit\",tier=\"redis\"} 1.0");
  }

  @Test
  void theGaugesSurviveAGarbageCollection() {
    cache.put("gauges", "k", bytes("12345"), Duration.ofMinutes(5));
    System.gc(); // Micrometer holds a gauge's object weakly: a lost one reads NaN
    String metrics = given().get("/q/metrics").then().extract().asString();
    assertThat(metrics)
        .contains("aicoder_cache_redis_up{application=\"cache\"} 1.0")
        .containsPattern("aicoder_cache_bytes\\{application=\"cache\",tier=\"memory\"} [1-9]")
        .doesNotContainPattern("aicoder_cache_\\S+ NaN");
  }

  @Test
  void theRedisTierStaysUnderItsByteBound() {
    // The test profile bounds Redis to 64 KiB: 40 entries of 4 KiB cannot all stay.
    byte[] random = new byte[4096];
    new java.util.Random(1).nextBytes(random); // incompressible
    for (int i = 0; i < 40; i++) {
      cache.put("bounded", "k" + i, random, Duration.ofMinutes(5 + i));
    }
    long total = Long.parseLong(redis.value(String.class).get(RedisTier.TOTAL));
    assertThat(total).isLessThanOrEqualTo(64 * 1024);
    JsonPath s = given().get("/cache/stats").then().extract().jsonPath();
    assertThat(s.getInt("namespaces.bounded.tiers.redis.evictions")).isPositive();
    assertThat(redis.key().exists(RedisTier.entry("bounded", "k39")))
        .as("the newest stays")
        .isTrue();
    assertThat(redis.key().exists(RedisTier.entry("bounded", "k0")))
        .as("the soonest to expire went")
        .isFalse();
  }
}
