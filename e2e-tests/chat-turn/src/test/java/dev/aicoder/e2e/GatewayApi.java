package dev.aicoder.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway's REST API as the tests use it: sign in, a team's workspace, file writes. */
final class GatewayApi {

  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "e2e-admin-password";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private GatewayApi() {}

  /**
   * What every gateway of one test needs: Redis (none: the environment says), the first admin, one
   * volume, one credential.
   */
  static Map<String, String> settings(String redisUrl, Path workspaceRoot) throws IOException {
    Map<String, String> props = new HashMap<>();
    if (redisUrl != null) {
      props.put("quarkus.redis.hosts", redisUrl);
    }
    props.put("aicoder.gateway.workspace-root", Files.createDirectories(workspaceRoot).toString());
    props.put("aicoder.gateway.auth.admin-user", ADMIN);
    props.put("aicoder.gateway.auth.admin-password", ADMIN_PASSWORD);
    props.put("aicoder.internal-token", "e2e-internal-token");
    return props;
  }

  /** Makes a team with the admin in it, and a workspace of that team; answers its id. */
  static String newWorkspace(int port, String token) throws Exception {
    String team = field(post(port, token, "/api/admin/teams", "{\"name\":\"e2e team\"}"), "id");
    post(port, token, "/api/admin/teams/" + team + "/members", "{\"username\":\"admin\"}");
    return field(
        post(port, token, "/api/workspaces", "{\"name\":\"e2e\",\"teamId\":\"" + team + "\"}"),
        "id");
  }

  static String login(int port) throws Exception {
    return field(
        post(
            port,
            null,
            "/api/auth/login",
            "{\"username\":\"" + ADMIN + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}"),
        "token");
  }

  /** A PUT of a file's text, with If-Match when {@code etag} is not null. */
  static HttpResponse<String> write(
      int port, String token, String workspace, String path, String text, String etag)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(port, "/api/workspaces/" + workspace + "/file?path=" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofString(text));
    if (etag != null) {
      request.header("If-Match", etag);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String read(int port, String token, String workspace, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri(port, "/api/workspaces/" + workspace + "/file?path=" + path))
            .header("Authorization", "Bearer " + token)
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String post(int port, String token, String path, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(port, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError(
          "POST " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + json);
    }
    return m.group(1);
  }

  static URI uri(int port, String path) {
    return URI.create("http://localhost:" + port + path);
  }

  /** A fresh folder under target/ for one test's workspaces. */
  static Path freshFolder(String name) {
    return Path.of("target", name + "-" + UUID.randomUUID().toString().substring(0, 8))
        .toAbsolutePath();
  }
}
