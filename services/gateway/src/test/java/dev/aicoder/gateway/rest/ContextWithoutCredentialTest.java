package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The context route sits on the gateway's public port, so unlike other internal routes it serves no
 * one, not even a caller on the loopback, while no internal credential is configured.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ContextWithoutCredentialTest {

  @Test
  void withoutAConfiguredCredentialTheRouteRefusesEvenLocalCallers() {
    String token = Api.newMember("no-credential");
    String workspace = Api.newWorkspace(token, Api.newTeam(token));
    as(token)
        .body("print(1)\n")
        .queryParam("path", "a.py")
        .put("/api/workspaces/" + workspace + "/file")
        .then()
        .statusCode(201);

    given()
        .header("X-AI-Coder-Internal", "anything")
        .queryParam("path", "a.py")
        .queryParam("user", Api.userOf(token))
        .get("/internal/workspaces/" + workspace + "/context")
        .then()
        .statusCode(503)
        .body(containsString("internal-credential-not-configured"))
        .body(containsString("AI_CODER_INTERNAL_TOKEN"));
  }
}
