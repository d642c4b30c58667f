package dev.aicoder.metrics.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class PerformanceResourceTest {

  @Test
  void reportsItsOwnProcessFigures() {
    given()
        .get("/api/performance")
        .then()
        .statusCode(200)
        .body("service", equalTo("metrics"))
        .body("figures.heapUsedBytes", greaterThan(0f));
  }
}
