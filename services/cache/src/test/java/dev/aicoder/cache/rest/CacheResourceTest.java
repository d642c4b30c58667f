package dev.aicoder.cache.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class CacheResourceTest {

  private static void put(String path, String value) {
    given()
        .body(value.getBytes(StandardCharsets.UTF_8))
        .contentType(ContentType.BINARY)
        .put(path)
        .then()
        .statusCode(200)
        .body("degraded", equalTo(false))
        .body("stored", hasItems("memory", "redis", "file"));
  }

  @Test
  void anEntryIsStoredReadAndDeleted() {
    put("/cache/api-test/greeting", "hello");
    byte[] got =
        given()
            .get("/cache/api-test/greeting")
            .then()
            .statusCode(200)
            .header("Cache-Tier", "memory")
            .extract()
            .asByteArray();
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello");
    given().delete("/cache/api-test/greeting").then().statusCode(204);
    given()
        .get("/cache/api-test/greeting")
        .then()
        .statusCode(404)
        .body("type", org.hamcrest.Matchers.containsString("cache-miss"));
  }

  @Test
  void theTtlHeaderSetsTheEntrysLife() {
    given()
        .header("Cache-TTL", "120")
        .body(new byte[] {1})
        .put("/cache/api-test/short")
        .then()
        .statusCode(200);
    int left =
        Integer.parseInt(
            given()
                .get("/cache/api-test/short")
                .then()
                .statusCode(200)
                .extract()
                .header("Cache-TTL"));
    assertThat(left).isBetween(100, 120);
    given()
        .header("Cache-TTL", "soon")
        .body(new byte[] {1})
        .put("/cache/api-test/short")
        .then()
        .statusCode(400)
        .body("detail", org.hamcrest.Matchers.containsString("90s"));
    given()
        .header("Cache-TTL", "365d")
        .body(new byte[] {1})
        .put("/cache/api-test/short")
        .then()
        .statusCode(400);
  }

  @Test
  void badNamesAndOversizedValuesAreRefused() {
    given()
        .get("/cache/Bad_NS/k")
        .then()
        .statusCode(400)
        .body("type", org.hamcrest.Matchers.containsString("bad-namespace"));
    given().get("/cache/ns/..%2Fetc").then().statusCode(400);
    given()
        .get("/cache/ns/" + "k".repeat(201))
        .then()
        .statusCode(400)
        .body("type", org.hamcrest.Matchers.containsString("bad-key"));
    given().body(new byte[1024 * 1024 + 1]).put("/cache/api-test/big").then().statusCode(413);
    given().get("/cache/api-test/big").then().statusCode(404);
  }

  @Test
  void aBatchAnswersFoundAndMissingKeys() {
    put("/cache/batch-test/a", "A");
    put("/cache/batch-test/b", "B");
    Map<String, Object> body =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("namespace", "batch-test", "keys", List.of("a", "b", "c")))
            .post("/cache/batch")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("");
    @SuppressWarnings("unchecked")
    Map<String, String> entries = (Map<String, String>) body.get("entries");
    assertThat(new String(Base64.getDecoder().decode(entries.get("a")), StandardCharsets.UTF_8))
        .isEqualTo("A");
    assertThat(entries).containsOnlyKeys("a", "b");
    assertThat(body.get("missing")).isEqualTo(List.of("c"));
    given().contentType(ContentType.JSON).body("{}").post("/cache/batch").then().statusCode(400);
  }

  @Test
  void clearingOneNamespaceLeavesTheOthers() {
    put("/cache/clear-a/k1", "1");
    put("/cache/clear-a/k2", "2");
    put("/cache/clear-b/k1", "3");
    given()
        .post("/cache/clear?namespace=clear-a")
        .then()
        .statusCode(200)
        .body("cleared", equalTo(2));
    given().get("/cache/clear-a/k1").then().statusCode(404);
    given().get("/cache/clear-b/k1").then().statusCode(200).header("Cache-Tier", "memory");
    given().post("/cache/clear?namespace=NOPE").then().statusCode(400);
  }
}
