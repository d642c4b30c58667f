package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.GatewayKeys;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Another gateway replica changes a file on the shared volume and says so on the change feed. */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(FileChangeFeedTest.LongWindow.class)
class FileChangeFeedTest {

  /** A window long enough that only the feed can explain a fresh read. */
  public static class LongWindow implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.gateway.files.cache-window", "5m");
    }
  }

  @Inject GatewayConfig config;
  @Inject RedisDataSource redis;

  @Test
  void aChangeAnnouncedByAnotherReplicaIsReadAtOnce() throws Exception {
    String alice = Api.newMember("alice");
    String workspace = Api.newWorkspace(alice, Api.newTeam(alice));
    String file = "/api/workspaces/" + workspace + "/file";
    as(alice)
        .contentType("text/plain")
        .body("before".getBytes(StandardCharsets.UTF_8))
        .queryParam("path", "notes.txt")
        .put(file)
        .then()
        .statusCode(201);
    assertThat(read(alice, file)).isEqualTo("before");

    // The other replica writes the shared volume, then announces it.
    Path onDisk = config.workspaceRoot().toAbsolutePath().resolve(workspace).resolve("notes.txt");
    Files.writeString(onDisk, "written by another replica");
    assertThat(read(alice, file)).as("still in memory: the window is long").isEqualTo("before");
    redis.stream(String.class)
        .xadd(GatewayKeys.FILE_CHANGES, Map.of("workspace", workspace, "replica", "other"));

    // The feed's blocking read returns with the entry. Well before the 5 s after which the team
    // membership is looked
    // up again (that slower path reads the disk anyway), the new content must be served.
    long deadline = System.currentTimeMillis() + 2_000;
    String seen = read(alice, file);
    while (!seen.equals("written by another replica") && System.currentTimeMillis() < deadline) {
      seen = read(alice, file);
    }
    assertThat(seen).isEqualTo("written by another replica");
  }

  private static String read(String token, String file) {
    return as(token).queryParam("path", "notes.txt").get(file).asString();
  }
}
