package dev.aicoder.gateway;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Test shortcuts: sign in, make users, teams and workspaces through the real API. */
public final class Api {

  private Api() {}

  public static String login(String username, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", username, "password", password))
        .post("/api/auth/login")
        .then()
        .statusCode(200)
        .extract()
        .path("token");
  }

  public static String adminToken() {
    return login("admin", "admin-password");
  }

  public static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  /** A fresh member with a unique name; returns its token. */
  public static String newMember(String prefix) {
    return newUser(prefix, "member");
  }

  /** A fresh user with a unique name and the given role; returns its token. */
  public static String newUser(String prefix, String role) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    as(adminToken())
        .contentType(ContentType.JSON)
        .body(Map.of("username", name, "password", "password-" + name, "role", role))
        .post("/api/admin/users")
        .then()
        .statusCode(201);
    return login(name, "password-" + name);
  }

  public static String userOf(String token) {
    return as(token).get("/api/me").then().statusCode(200).extract().path("username");
  }

  /** A new team with the given members; returns its id. */
  public static String newTeam(String... memberTokens) {
    String admin = adminToken();
    String teamId =
        as(admin)
            .contentType(ContentType.JSON)
            .body(Map.of("name", "team " + UUID.randomUUID()))
            .post("/api/admin/teams")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    for (String token : memberTokens) {
      as(admin)
          .contentType(ContentType.JSON)
          .body(Map.of("username", userOf(token)))
          .post("/api/admin/teams/" + teamId + "/members")
          .then()
          .statusCode(204);
    }
    return teamId;
  }

  /** A new workspace of the team; returns its id. */
  public static String newWorkspace(String token, String teamId) {
    return as(token)
        .contentType(ContentType.JSON)
        .body(Map.of("name", "ws", "teamId", teamId))
        .post("/api/workspaces")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }
}
