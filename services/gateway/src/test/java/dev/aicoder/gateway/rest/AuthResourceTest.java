package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.aicoder.auth.Tokens;
import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.security.SigningKeys;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class AuthResourceTest {

  @Inject SigningKeys keys;

  @Test
  void signInReturnsATokenThatOpensTheApi() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", "admin-password"))
        .post("/api/auth/login")
        .then()
        .statusCode(200)
        .body("token", notNullValue())
        .body("expiresAt", notNullValue())
        .body("role", equalTo("admin"));

    as(Api.adminToken())
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("username", equalTo("admin"))
        .body("model", equalTo("gpt-4o-mini")); // the status bar shows it
  }

  @Test
  void withoutAValidTokenTheApiAnswers401() {
    given().get("/api/me").then().statusCode(401).header("WWW-Authenticate", "Bearer");
    as("garbage")
        .get("/api/me")
        .then()
        .statusCode(401)
        .body("type", equalTo("/problems/unauthorized"));
    given()
        .header("Authorization", "Basic YWRtaW46eA==")
        .get("/api/workspaces")
        .then()
        .statusCode(401);
  }

  @Test
  void anExpiredTokenIsRefused() {
    String expired =
        Tokens.issue(
            keys.current().key(),
            "admin",
            Set.of("admin"),
            Duration.ofSeconds(1),
            Instant.now().minusSeconds(120));
    as(expired).get("/api/me").then().statusCode(401);
  }

  @Test
  void signOutRevokesTheToken() {
    String token = Api.newMember("leaving");
    as(token).get("/api/me").then().statusCode(200);
    as(token).post("/api/auth/logout").then().statusCode(204);
    as(token)
        .get("/api/me")
        .then()
        .statusCode(401)
        .body("detail", equalTo("This token was signed out; sign in again."));
  }

  @Test
  void aWrongPasswordIsRefusedAndTheOwnerStillSignsIn() {
    String token = Api.newMember("forgetful");
    String user = Api.userOf(token);
    Map<String, String> wrong = Map.of("username", user, "password", "not-the-password");
    for (int i = 0; i < 5; i++) {
      given()
          .contentType(ContentType.JSON)
          .body(wrong)
          .post("/api/auth/login")
          .then()
          .statusCode(401)
          .body("detail", equalTo("Wrong user name or password."));
    }
    // Failures slow further guesses (LoginThrottleTest) but never lock the owner out.
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", user, "password", "password-" + user))
        .post("/api/auth/login")
        .then()
        .statusCode(200);
  }

  @Test
  void singleSignOnIsOffUnlessConfigured() {
    given().get("/api/auth/methods").then().statusCode(200).body("singleSignOn", equalTo(false));
    given()
        .redirects()
        .follow(false)
        .get("/api/auth/sso")
        .then()
        .statusCode(404)
        .body("type", equalTo("/problems/sso-not-configured"));
  }

  @Test
  void anUnknownUserIsRefusedLikeAWrongPassword() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "nobody-here", "password", "whatever-123"))
        .post("/api/auth/login")
        .then()
        .statusCode(401)
        .body("detail", equalTo("Wrong user name or password."));
    given().contentType(ContentType.JSON).body("{").post("/api/auth/login").then().statusCode(400);
  }

  @Test
  void onlyAdminsManageUsersAndTeams() {
    String member = Api.newMember("plain");
    as(member)
        .contentType(ContentType.JSON)
        .body(Map.of("username", "sneaky", "password", "password123", "role", "admin"))
        .post("/api/admin/users")
        .then()
        .statusCode(403);
    as(member)
        .contentType(ContentType.JSON)
        .body(Map.of("name", "mine"))
        .post("/api/admin/teams")
        .then()
        .statusCode(403);
    as(Api.adminToken())
        .contentType(ContentType.JSON)
        .body(Map.of("username", "Bad Name!", "password", "password123"))
        .post("/api/admin/users")
        .then()
        .statusCode(400);
    String teamId = Api.newTeam(member);
    as(member)
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("teams[0].id", equalTo(teamId))
        .body("role", equalTo("member"));
  }
}
