package dev.aicoder.cache.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class CacheResourceTest {

  @Inject RedisDataSource redis;

  @Test
  void statsCountTheRedisTierAndClearEmptiesOnlyIt() {
    for (int i = 0; i < 3; i++) {
      redis.value(String.class).set("aicoder:cache:k" + i, "v");
    }
    redis.value(String.class).set("aicoder:conv:keep", "v");
    given().get("/api/cache/stats").then().statusCode(200).body("tiers.redis.entries", equalTo(3));
    given().post("/api/cache/clear").then().statusCode(200).body("cleared", equalTo(3));
    given().get("/api/cache/stats").then().body("tiers.redis.entries", equalTo(0));
    org.assertj.core.api.Assertions.assertThat(redis.value(String.class).get("aicoder:conv:keep"))
        .isEqualTo("v");
  }
}
