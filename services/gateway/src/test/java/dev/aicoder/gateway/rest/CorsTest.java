package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With an origin listed, the API answers it, file reads (served outside JAX-RS) included. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(CorsTest.OneOrigin.class)
class CorsTest {

  /** CORS open to one origin. */
  public static class OneOrigin implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.cors.enabled", "true", "quarkus.http.cors.origins", "https://ide.example");
    }
  }

  @Test
  void aListedOriginIsAnsweredEverywhereAndOthersNowhere() {
    String alice = Api.newMember("alice");
    String file = "/api/workspaces/" + Api.newWorkspace(alice, Api.newTeam(alice)) + "/file";
    as(alice)
        .contentType("text/plain")
        .body("shared".getBytes(StandardCharsets.UTF_8))
        .queryParam("path", "a.txt")
        .put(file)
        .then()
        .statusCode(201);
    for (int i = 0; i < 2; i++) { // from disk, then from memory
      Response read = as(alice).header("Origin", "https://ide.example").get(file + "?path=a.txt");
      assertThat(read.asString()).isEqualTo("shared");
      assertThat(read.header("Access-Control-Allow-Origin")).isEqualTo("https://ide.example");
      assertThat(read.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
    for (String path : List.of("/api/me", file + "?path=a.txt")) {
      assertThat(
              as(alice)
                  .header("Origin", "https://ide.example")
                  .get(path)
                  .header("Access-Control-Allow-Origin"))
          .isEqualTo("https://ide.example");
      assertThat(
              as(alice)
                  .header("Origin", "https://evil.example")
                  .get(path)
                  .header("Access-Control-Allow-Origin"))
          .isNull();
    }
  }
}
