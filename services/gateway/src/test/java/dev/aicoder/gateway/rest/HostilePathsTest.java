package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.Api;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file route refuses a corpus of hostile paths with a 400 problem, and nothing outside the
 * workspace is read or written.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class HostilePathsTest {

  static final String SECRET = "TOP SECRET outside the workspace";

  @Inject GatewayConfig config;

  static List<String> corpus() {
    List<String> paths =
        new ArrayList<>(
            List.of(
                // traversal
                "..",
                "../",
                "../secret.txt",
                "../../secret.txt",
                "../../../../../../etc/passwd",
                "a/../../secret.txt",
                "a/b/../../../secret.txt",
                "a/..",
                "./a.txt",
                ".",
                "a/./b",
                "a//b",
                "..//..//secret.txt",
                // absolute, drive and UNC paths, backslashes
                "/etc/passwd",
                "//etc/passwd",
                "/",
                "file:///etc/passwd",
                "C:\\Windows\\win.ini",
                "C:/Windows/win.ini",
                "c:secret",
                "\\\\server\\share\\secret",
                "..\\secret.txt",
                "a\\..\\..\\secret.txt",
                // percent-encoded tricks (the server sees them literally)
                "%2e%2e/secret.txt",
                "%2E%2E%2Fsecret.txt",
                "..%2fsecret.txt",
                ".%2e/secret.txt",
                "%2e%2e",
                "%2fetc%2fpasswd",
                "..%5csecret.txt",
                "%5c..%5csecret.txt",
                "%252e%252e/secret.txt",
                "..%252fsecret.txt",
                "%25%32%65%25%32%65/secret.txt",
                "%c0%ae%c0%ae/secret.txt",
                "%c1%9c",
                "%e0%80%ae%e0%80%ae/secret.txt",
                "a%00.txt",
                // NUL, control and invisible characters
                "a\u0000.txt",
                "secret.txt\u0000.png",
                "\u0000",
                "a\nb.txt",
                "a\rb.txt",
                "a\tb.txt",
                "\u001b[31mred",
                "\u202Etxt.exe",
                "a\u200Bb.txt",
                "bad\uFFFDname",
                // symlinks leading out
                "link-out",
                "link-out/secret.txt",
                "link-out/planted.txt",
                "link-secret",
                "dangling",
                "link-root",
                "link-root/etc/passwd",
                "inner/link-up/secret.txt",
                // very long names and paths
                "x".repeat(256),
                "é".repeat(128),
                "a/" + "y".repeat(300) + "/b.txt",
                "d/".repeat(2100) + "f.txt"));
    return paths;
  }

  @Test
  void theCorpusIsLargeEnough() {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(50).doesNotHaveDuplicates();
  }

  @Test
  void everyRouteRefusesEveryHostilePathAndNothingOutsideChanges() throws IOException {
    String token = Api.newMember("hostile");
    String workspace = Api.newWorkspace(token, Api.newTeam(token));
    Path root = config.workspaceRoot().toAbsolutePath();
    Path folder = root.resolve(workspace);
    Path outside = plantTraps(root, folder);
    List<Path> before = listing(root);

    String base = "/api/workspaces/" + workspace;
    List<String> failures = new ArrayList<>();
    for (String path : corpus()) {
      Map<String, Function<RequestSpecification, Response>> routes =
          Map.of(
              "read", r -> r.queryParam("path", path).get(base + "/file"),
              "raw read",
                  r -> r.queryParam("path", path).queryParam("raw", true).get(base + "/file"),
              "tree", r -> r.queryParam("path", path).get(base + "/tree"),
              "search",
                  r -> r.queryParam("path", path).queryParam("q", "SECRET").get(base + "/search"),
              "write",
                  r ->
                      r.header("If-Match", "*")
                          .body("planted")
                          .queryParam("path", path)
                          .put(base + "/file"),
              "create", r -> r.body("planted").queryParam("path", path).put(base + "/file"),
              "mkdir", r -> r.queryParam("path", path).post(base + "/folder"),
              "delete", r -> r.queryParam("path", path).delete(base + "/file"),
              "move from",
                  r ->
                      r.contentType(ContentType.JSON)
                          .body(Map.of("from", path, "to", "moved"))
                          .post(base + "/move"),
              "move to",
                  r ->
                      r.contentType(ContentType.JSON)
                          .body(Map.of("from", "inner", "to", path))
                          .post(base + "/move"));
      routes.forEach(
          (name, call) -> {
            Response response = call.apply(as(token).contentType("text/plain"));
            check(failures, name, path, response);
          });
      if (path.matches("[A-Za-z0-9%./_-]+")) { // also sent unencoded: the server decodes it once
        Response raw = as(token).urlEncodingEnabled(false).get(base + "/file?path=" + path);
        check(failures, "unencoded read", path, raw);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(listing(root)).isEqualTo(before);
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(SECRET);
    assertThat(Files.exists(outside.resolve("not-yet.txt"))).isFalse();
    assertThat(Files.exists(outside.resolve("planted.txt"))).isFalse();
  }

  private static void check(List<String> failures, String route, String path, Response response) {
    String shown =
        URLEncoder.encode(
            path.length() > 40 ? path.substring(0, 40) + "…" : path, StandardCharsets.UTF_8);
    // A path too long for the request line is refused by the HTTP server itself (414).
    boolean tooLongForUrl = path.length() > 4000 && response.statusCode() == 414;
    if (!tooLongForUrl
        && (response.statusCode() != 400
            || !response.asString().contains("/problems/invalid-path"))) {
      failures.add(
          route + " " + shown + " -> " + response.statusCode() + " " + response.asString());
    } else if (response.asString().contains(SECRET)) {
      failures.add(route + " " + shown + " leaked the secret");
    }
  }

  /**
   * Secrets beside the workspace, and links in it that point at them, out, up and to "/"; returns
   * the folder of the secret the links point at.
   */
  static Path plantTraps(Path root, Path folder) throws IOException {
    Path outside = Files.createDirectories(root.resolve("outside-" + UUID.randomUUID()));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.writeString(root.resolve("secret.txt"), SECRET);
    Files.createDirectories(folder.resolve("inner"));
    Files.createSymbolicLink(folder.resolve("link-out"), outside);
    Files.createSymbolicLink(folder.resolve("link-secret"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(folder.resolve("dangling"), outside.resolve("not-yet.txt"));
    Files.createSymbolicLink(folder.resolve("link-root"), Path.of("/"));
    Files.createSymbolicLink(folder.resolve("inner/link-up"), Path.of("../../outside-x"));
    Files.createDirectories(root.resolve("outside-x"));
    Files.writeString(root.resolve("outside-x/secret.txt"), SECRET);
    return outside;
  }

  /**
   * The workspaces folder: its direct entries and everything in the folders outside any workspace.
   */
  private static List<Path> listing(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(
              p -> {
                Path relative = root.relativize(p);
                return relative.getNameCount() <= 1
                    || relative.getName(0).toString().startsWith("outside");
              })
          .sorted()
          .toList();
    }
  }
}
