package dev.aicoder.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.localredis.AbstractReadinessTest;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ReadinessTest extends AbstractReadinessTest {

  @Test
  void signInAnswers503WhileRedisIsDownAndWorksOnceItIsBack() {
    LocalRedis redis = LocalRedisResource.redis();
    try {
      redis.stop();
      Response refused = login();
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.jsonPath().getString("type")).isEqualTo("/problems/service-unavailable");
    } finally {
      redis.startProcess();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> login().statusCode() == 200);
  }

  private static Response login() {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", "admin-password"))
        .post("/api/auth/login");
  }
}
