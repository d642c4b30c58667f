package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: ai-streaming reads the files attached to a prompt through the gateway's internal
 * context route, with the internal credential and only what the prompting user may read.
 */
@QuarkusTest
@TestProfile(InternalCallsTest.WithToken.class)
@QuarkusTestResource(LocalRedisResource.class)
class ContextResourceTest {

  private static final String SECRET = HostilePathsTest.SECRET;

  @Inject GatewayConfig config;

  private String member;
  private String workspace;

  @BeforeEach
  void workspaceWithAFile() {
    String token = Api.newMember("context");
    member = Api.userOf(token);
    workspace = Api.newWorkspace(token, Api.newTeam(token));
    as(token)
        .body("def main():\n    return 42\n")
        .queryParam("path", "src/main.py")
        .put("/api/workspaces/" + workspace + "/file")
        .then()
        .statusCode(201);
  }

  private static RequestSpecification internal() {
    return given().header("X-AI-Coder-Internal", InternalCallsTest.TOKEN);
  }

  private String route() {
    return "/internal/workspaces/" + workspace + "/context";
  }

  @Test
  void aMemberGetsTheFilesText() {
    internal()
        .queryParam("path", "src/main.py")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(200)
        .body("path", equalTo("src/main.py"))
        .body("text", equalTo("def main():\n    return 42\n"))
        .body("truncated", equalTo(false))
        .body("binary", equalTo(false));
  }

  @Test
  void theTextIsCutAtTheCharactersAskedFor() {
    internal()
        .queryParam("path", "src/main.py")
        .queryParam("user", member)
        .queryParam("max", 10)
        .get(route())
        .then()
        .statusCode(200)
        .body("text", equalTo("def main()"))
        .body("truncated", equalTo(true));
  }

  @Test
  void aBinaryFileComesWithoutText() throws IOException {
    Path folder = config.workspaceRoot().toAbsolutePath().resolve(workspace);
    Files.write(folder.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
    internal()
        .queryParam("path", "logo.png")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(200)
        .body("binary", equalTo(true))
        .body("text", nullValue());
  }

  @Test
  void withoutTheInternalCredentialNothingIsRead() {
    given()
        .queryParam("path", "src/main.py")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(401)
        .body(containsString("internal-credential-required"));
    given()
        .header("X-AI-Coder-Internal", "not-the-token")
        .queryParam("path", "src/main.py")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(401);
    // A user's own token is no internal credential.
    as(Api.adminToken())
        .queryParam("path", "src/main.py")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(401)
        .body(containsString("internal-credential-required"));
  }

  @Test
  void aUserOutsideTheTeamGetsNotFound() {
    String stranger = Api.userOf(Api.newMember("stranger"));
    for (String user : List.of(stranger, "admin", "nobody-" + UUID.randomUUID())) {
      Response response =
          internal().queryParam("path", "src/main.py").queryParam("user", user).get(route());
      assertThat(response.statusCode()).as(user).isEqualTo(404);
      assertThat(response.asString()).doesNotContain("return 42");
    }
    internal()
        .queryParam("path", "src/main.py")
        .get(route())
        .then()
        .statusCode(400); // no user: never read as nobody in particular
  }

  @Test
  void aMissingFileOrAFolderIsNoText() {
    internal()
        .queryParam("path", "src/gone.py")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(404);
    internal()
        .queryParam("path", "src")
        .queryParam("user", member)
        .get(route())
        .then()
        .statusCode(400);
  }

  @Test
  void everyHostilePathIsRefused() throws IOException {
    Path root = config.workspaceRoot().toAbsolutePath();
    Path folder = root.resolve(workspace);
    HostilePathsTest.plantTraps(root, folder);

    List<String> failures = new ArrayList<>();
    for (String path : HostilePathsTest.corpus()) {
      Response response =
          internal().queryParam("path", path).queryParam("user", member).get(route());
      boolean tooLongForUrl = path.length() > 4000 && response.statusCode() == 414;
      if (response.asString().contains(SECRET)
          || (!tooLongForUrl
              && (response.statusCode() != 400
                  || !response.asString().contains("/problems/invalid-path")))) {
        failures.add(path + " -> " + response.statusCode() + " " + response.asString());
      }
    }
    assertThat(failures).isEmpty();
  }
}
