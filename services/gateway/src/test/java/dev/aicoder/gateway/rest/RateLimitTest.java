package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RateLimitTest.TightLimits.class)
@QuarkusTestResource(LocalRedisResource.class)
class RateLimitTest {

  /** Ten requests per user in a three-second window. */
  public static class TightLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.gateway.limits.requests-per-user", "10",
          "aicoder.gateway.limits.window", "3s");
    }
  }

  private static final long WINDOW_MS = 3000;

  @Inject RedisDataSource redis;

  @Test
  void tooManyRequestsAnswer429WithRetryAfterAndRecover() {
    String token = Api.newMember("busy");
    String file = "/api/workspaces/" + Api.newWorkspace(token, Api.newTeam(token)) + "/file";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> as(token).get("/api/me").statusCode() == 429);
    Response limited = as(token).get("/api/me");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 3);
    assertThat(limited.jsonPath().getString("type")).isEqualTo("/problems/rate-limited");
    // File reads (served outside JAX-RS) count against the same limit.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> as(token).queryParam("path", "a.txt").get(file).statusCode() == 429);
    // Another user is not affected.
    assertThat(as(Api.newMember("calm")).get("/api/me").statusCode()).isEqualTo(200);
    // The next window lets the first user in again.
    await()
        .atMost(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> as(token).get("/api/me").statusCode() == 200);
  }

  /** What the other gateway replicas see: this one's counts in Redis, and theirs learned here. */
  @Test
  void countsAreSharedWithTheOtherReplicasThroughRedis() {
    String token = Api.newMember("shared");
    String user = as(token).get("/api/me").jsonPath().getString("username");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> counted(user, System.currentTimeMillis() / WINDOW_MS) > 0);

    // Another replica counted a thousand requests of this user in the current window.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String key = GatewayKeys.userWindow(user, System.currentTimeMillis() / WINDOW_MS);
              redis.value(Long.class).incrby(key, 1000);
              return as(token).get("/api/me").statusCode() == 429;
            });
  }

  /** This user's shared count in the given window and the one before (a sync may straddle them). */
  private long counted(String user, long window) {
    long sum = 0;
    for (long w = window - 1; w <= window; w++) {
      Long n = redis.value(Long.class).get(GatewayKeys.userWindow(user, w));
      sum += n == null ? 0 : n;
    }
    return sum;
  }
}
