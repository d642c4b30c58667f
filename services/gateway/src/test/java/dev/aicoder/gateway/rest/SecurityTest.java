package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class SecurityTest {

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    for (Response response :
        List.of(
            given().get("/health"),
            given().get("/api/me"),
            given().get("/does-not-exist"),
            given().get("/api/workspaces/none/file?path=a.txt"),
            as(Api.adminToken()).get("/api/workspaces"))) {
      assertThat(response.header("Content-Security-Policy"))
          .contains("default-src 'self'")
          .contains("worker-src 'self' blob:")
          .contains("frame-ancestors 'none'");
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(response.header("Permissions-Policy")).contains("camera=()");
    }
  }

  @Test
  void corsIsClosedByDefault() {
    given()
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET")
        .options("/api/me")
        .then()
        .header("Access-Control-Allow-Origin", nullValue());
    given()
        .header("Origin", "https://evil.example")
        .get("/health")
        .then()
        .header("Access-Control-Allow-Origin", nullValue());
  }

  @Test
  void securityStatusReportsPostureButNoSecret() {
    given().get("/api/security/status").then().statusCode(401);
    String body =
        as(Api.adminToken())
            .get("/api/security/status")
            .then()
            .statusCode(200)
            .body("authMode", equalTo("password+jwt"))
            .body("tokenLifetimeSeconds", notNullValue())
            .body("signingKey.ageSeconds", notNullValue())
            .body("tls.inFront", equalTo(false))
            .body("rateLimits.requestsPerUser", notNullValue())
            .body("cors", equalTo("closed"))
            .body("refusedRequests", notNullValue())
            .extract()
            .asString();
    assertThat(body)
        .doesNotContain("admin-password")
        .doesNotContain("private")
        .doesNotContain("$2a$");
  }

  @Test
  void aStoppedOrHangingDownstreamServiceAnswers503Quickly() {
    String admin = Api.adminToken();
    // metrics: nothing listens on its port.
    long start = System.nanoTime();
    as(admin)
        .get("/api/performance")
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("type", equalTo("/problems/metrics-unavailable"));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    // cache: accepts connections and never answers; the 2 s timeout ends the wait.
    start = System.nanoTime();
    as(admin)
        .get("/api/cache/stats")
        .then()
        .statusCode(503)
        .body("detail", containsString("cache service is not answering"));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    as(Api.newMember("nosy")).post("/api/cache/clear").then().statusCode(403);
  }
}
