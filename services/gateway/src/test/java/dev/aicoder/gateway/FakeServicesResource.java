package dev.aicoder.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Real HTTP servers standing in for the other services: two healthy ones, one that accepts requests
 * and never answers, and a port where nothing listens.
 */
public class FakeServicesResource implements QuarkusTestResourceLifecycleManager {

  public static final String FAKE_VERSION = "9.9.9-fake";

  private final CountDownLatch release = new CountDownLatch(1);
  private List<HttpServer> servers = List.of();

  @Override
  public Map<String, String> start() {
    HttpServer chat = healthy();
    HttpServer hanging = server(this::hang);
    servers = List.of(chat, hanging);
    int gatewayPort = unusedPort();
    return Map.of(
        "quarkus.http.test-port",
        Integer.toString(gatewayPort),
        "aicoder.gateway.chat-websocket-url",
        url(chat),
        "aicoder.gateway.ai-streaming-url",
        "http://localhost:" + gatewayPort,
        "aicoder.gateway.cache-url",
        url(hanging),
        "aicoder.gateway.metrics-url",
        "http://127.0.0.1:" + unusedPort(),
        "aicoder.gateway.status-timeout",
        "800ms");
  }

  @Override
  public void stop() {
    release.countDown();
    servers.forEach(s -> s.stop(0));
  }

  private static HttpServer healthy() {
    return server(
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/q/health/ready")) {
            respond(exchange, 200, "{\"status\":\"UP\",\"checks\":[]}");
          } else if (path.equals("/q/info")) {
            respond(exchange, 200, "{\"build\":{\"version\":\"" + FAKE_VERSION + "\"}}");
          } else {
            respond(exchange, 404, "{}");
          }
        });
  }

  private void hang(HttpExchange exchange) throws IOException {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    respond(exchange, 200, "{}");
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler handler) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", handler);
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
