package dev.aicoder.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Just enough of a Kubernetes API for the chart's {@code lookup} of its own Secret: helm-java's
 * template talks to the cluster named by KUBECONFIG (set by Surefire to {@link #KUBECONFIG}), so
 * the tests point it here. A Secret put here is what an upgrade would find in the cluster.
 */
final class FakeKubeApi {

  static final Path KUBECONFIG = Path.of("target/kubeconfig").toAbsolutePath();
  private static final FakeKubeApi INSTANCE = new FakeKubeApi();

  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  private FakeKubeApi() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::answer);
      server.setExecutor(null);
      server.start();
      Files.createDirectories(KUBECONFIG.getParent());
      Files.writeString(
          KUBECONFIG,
          """
          apiVersion: v1
          kind: Config
          clusters: [{name: fake, cluster: {server: "http://127.0.0.1:%d"}}]
          users: [{name: fake, user: {token: fake}}]
          contexts: [{name: fake, context: {cluster: fake, user: fake}}]
          current-context: fake
          """
              .formatted(server.getAddress().getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the fake (once) and writes the kubeconfig that points to it. */
  static FakeKubeApi get() {
    return INSTANCE;
  }

  /** The cluster holds this Secret (its JSON) until {@link #clear()}. */
  void putSecret(String namespace, String name, String json) {
    secrets.put(namespace + "/" + name, json);
  }

  void clear() {
    secrets.clear();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String[] parts = path.split("/");
    if (path.equals("/api/v1")) {
      send(
          exchange,
          200,
          """
          {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
           {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
            "verbs":["get","list"]}]}""");
    } else if (parts.length == 7
        && path.startsWith("/api/v1/namespaces/")
        && parts[5].equals("secrets")
        && secrets.containsKey(parts[4] + "/" + parts[6])) {
      send(exchange, 200, secrets.get(parts[4] + "/" + parts[6]));
    } else {
      send(
          exchange,
          404,
          """
          {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,
           "message":"not found"}""");
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
