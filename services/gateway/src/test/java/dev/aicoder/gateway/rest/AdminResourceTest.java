package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Administration: users, roles, disabling, passwords, teams, members and team workspaces. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class AdminResourceTest {

  private static RequestSpecification admin() {
    return as(Api.adminToken()).contentType(ContentType.JSON);
  }

  private static Map<String, Object> userRow(String username) {
    List<Map<String, Object>> users =
        admin().get("/api/admin/users").then().statusCode(200).extract().jsonPath().getList("$");
    return users.stream().filter(u -> username.equals(u.get("username"))).findFirst().orElseThrow();
  }

  @Test
  void usersAreListedWithRoleSignInKindAndTeams() {
    String token = Api.newMember("listed");
    String user = Api.userOf(token);
    String teamId = Api.newTeam(token);
    Map<String, Object> row = userRow(user);
    assertThat(row)
        .containsEntry("role", "member")
        .containsEntry("disabled", false)
        .containsEntry("singleSignOn", false);
    assertThat((Long) ((Number) row.get("createdAtMs")).longValue()).isPositive();
    assertThat((List<Map<String, Object>>) row.get("teams"))
        .extracting(t -> t.get("id"))
        .containsExactly(teamId);
  }

  @Test
  void aDisabledUsersLiveTokenStopsAtTheNextRequestAndTheyCannotSignIn() {
    String token = Api.newMember("disabled");
    String user = Api.userOf(token);
    String second = Api.login(user, "password-" + user);
    admin()
        .body(Map.of("disabled", true))
        .patch("/api/admin/users/" + user)
        .then()
        .statusCode(200)
        .body("disabled", equalTo(true));
    as(token).get("/api/me").then().statusCode(401);
    as(second).get("/api/workspaces").then().statusCode(401);
    signIn(user, "password-" + user)
        .then()
        .statusCode(403)
        .body("type", equalTo("/problems/account-disabled"));
    // A wrong password says nothing about the account.
    signIn(user, "wrong-password").then().statusCode(401);

    admin()
        .body(Map.of("disabled", false))
        .patch("/api/admin/users/" + user)
        .then()
        .statusCode(200);
    String again = Api.login(user, "password-" + user);
    as(again).get("/api/me").then().statusCode(200);
    // Enabling does not bring the ended sessions back.
    as(token).get("/api/me").then().statusCode(401);
  }

  @Test
  void aNewRoleHoldsFromTheNextSignIn() {
    String token = Api.newMember("promoted");
    String user = Api.userOf(token);
    as(token).get("/api/admin/users").then().statusCode(403);
    admin()
        .body(Map.of("role", "admin"))
        .patch("/api/admin/users/" + user)
        .then()
        .statusCode(200)
        .body("role", equalTo("admin"));
    // The old token carries the old role: it is signed out.
    as(token).get("/api/me").then().statusCode(401);
    String fresh = Api.login(user, "password-" + user);
    as(fresh).get("/api/admin/users").then().statusCode(200);

    // Demoted again by the original admin; the new admin's token stops too.
    admin().body(Map.of("role", "lead")).patch("/api/admin/users/" + user).then().statusCode(200);
    as(fresh).get("/api/admin/users").then().statusCode(401);
    assertThat(userRow(user)).containsEntry("role", "lead");
  }

  @Test
  void anAdminCannotDisableOrDemoteThemself() {
    admin()
        .body(Map.of("disabled", true))
        .patch("/api/admin/users/admin")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("/problems/own-admin-account"));
    admin()
        .body(Map.of("role", "member"))
        .patch("/api/admin/users/admin")
        .then()
        .statusCode(409)
        .body("type", equalTo("/problems/own-admin-account"));
    as(Api.adminToken()).get("/api/me").then().statusCode(200).body("role", equalTo("admin"));
  }

  @Test
  void badInputGetsAClearProblem() {
    String user = Api.userOf(Api.newMember("input"));
    admin()
        .body(Map.of("role", "owner"))
        .patch("/api/admin/users/" + user)
        .then()
        .statusCode(400)
        .body("type", equalTo("/problems/bad-role"));
    admin()
        .body(Map.of())
        .patch("/api/admin/users/" + user)
        .then()
        .statusCode(400)
        .body("type", equalTo("/problems/bad-request"));
    admin()
        .body(Map.of("disabled", true))
        .patch("/api/admin/users/nobody-here")
        .then()
        .statusCode(404)
        .body("type", equalTo("/problems/user-not-found"));
    admin()
        .body(Map.of("password", "short"))
        .put("/api/admin/users/" + user + "/password")
        .then()
        .statusCode(400)
        .body("detail", equalTo("A password is 8-256 characters."));
    admin()
        .body(Map.of("username", "x", "password", "password-x", "role", "boss"))
        .post("/api/admin/users")
        .then()
        .statusCode(400)
        .body("type", equalTo("/problems/bad-role"));
  }

  @Test
  void aResetPasswordReplacesTheOldOneAndEndsSessions() {
    String token = Api.newMember("reset");
    String user = Api.userOf(token);
    admin()
        .body(Map.of("password", "a-brand-new-one"))
        .put("/api/admin/users/" + user + "/password")
        .then()
        .statusCode(204);
    as(token).get("/api/me").then().statusCode(401);
    signIn(user, "password-" + user).then().statusCode(401);
    as(Api.login(user, "a-brand-new-one")).get("/api/me").then().statusCode(200);
  }

  @Test
  void teamsAreListedWithMembersAndWorkspacesAndMembersCanBeRemoved() {
    String token = Api.newMember("teammate");
    String user = Api.userOf(token);
    String teamId = Api.newTeam(token);
    // The admin is not a member, and creates the team's workspace all the same.
    String workspaceId =
        admin()
            .body(Map.of("name", "shared code"))
            .post("/api/admin/teams/" + teamId + "/workspaces")
            .then()
            .statusCode(201)
            .body("teamId", equalTo(teamId))
            .extract()
            .path("id");
    admin()
        .get("/api/admin/teams/" + teamId + "/workspaces")
        .then()
        .statusCode(200)
        .body("id", equalTo(List.of(workspaceId)));
    JsonPath teams = admin().get("/api/admin/teams").then().statusCode(200).extract().jsonPath();
    Map<String, Object> team = teams.getMap("find { it.id == '" + teamId + "' }");
    assertThat((List<String>) team.get("members")).containsExactly(user);
    assertThat((List<Map<String, Object>>) team.get("workspaces"))
        .extracting(w -> w.get("name"))
        .containsExactly("shared code");
    as(token).get("/api/workspaces").then().statusCode(200).body("id", hasItem(workspaceId));

    admin().delete("/api/admin/teams/" + teamId + "/members/" + user).then().statusCode(204);
    as(token).get("/api/workspaces").then().statusCode(200).body("id", not(hasItem(workspaceId)));
    admin()
        .delete("/api/admin/teams/" + teamId + "/members/" + user)
        .then()
        .statusCode(404)
        .body("type", equalTo("/problems/member-not-found"));
    admin().post("/api/admin/teams/nosuchteam/workspaces").then().statusCode(404);
  }

  @Test
  void onlyAdminsAdminister() {
    String token = Api.newUser("lead", "lead");
    as(token).get("/api/admin/users").then().statusCode(403);
    as(token).get("/api/admin/teams").then().statusCode(403);
    as(token)
        .contentType(ContentType.JSON)
        .body(Map.of("disabled", true))
        .patch("/api/admin/users/admin")
        .then()
        .statusCode(403);
    given().get("/api/admin/users").then().statusCode(401);
  }

  private static io.restassured.response.Response signIn(String user, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", user, "password", password))
        .post("/api/auth/login");
  }
}
