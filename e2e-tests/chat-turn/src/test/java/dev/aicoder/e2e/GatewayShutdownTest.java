package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a packaged gateway, as Kubernetes stops a pod: readiness goes DOWN first, proxied chat
 * sockets close with 1012 after the shutdown delay, and a request already in flight still gets its
 * answer.
 */
class GatewayShutdownTest {

  private static LocalRedis redis;
  private static ServiceProcess chat;
  private static Path workspaces;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    chat =
        ServiceProcess.start(
            "chat-websocket",
            "shutdown-chat-websocket",
            ServiceProcess.freePort(),
            Map.of("quarkus.redis.hosts", redis.url()));
    workspaces = GatewayApi.freshFolder("gateway-shutdown");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chat, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void sigtermClosesChatSocketsWith1012AndFinishesTheRequestInFlight() throws Exception {
    Map<String, String> settings = new HashMap<>(GatewayApi.settings(redis.url(), workspaces));
    settings.put("aicoder.gateway.chat-websocket-url", "http://localhost:" + chat.port);
    settings.put("aicoder.gateway.shutdown-delay", "1s");
    ServiceProcess gateway =
        ServiceProcess.start("gateway", "shutdown-gateway", ServiceProcess.freePort(), settings);
    String token = GatewayApi.login(gateway.port);
    String workspace = GatewayApi.newWorkspace(gateway.port, token);
    try (gateway;
        WsClient browser =
            WsClient.connect(GatewayApi.uri(gateway.port, "/"), token, FrameCodec.JSON);
        Socket upload = new Socket("localhost", gateway.port)) {
      browser.send(new Frame.Ping(1));
      browser.next(Frame.Pong.class); // chat-websocket answered through the proxy

      // A slow upload: the headers and half the body are in when the signal comes.
      String half = "a line of a slow upload\n".repeat(200);
      byte[] rest = half.getBytes(StandardCharsets.UTF_8);
      upload.setSoTimeout(30_000);
      OutputStream out = upload.getOutputStream();
      out.write(
          ("PUT /api/workspaces/"
                  + workspace
                  + "/file?path=slow.txt HTTP/1.1\r\n"
                  + "Host: localhost\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\n"
                  + "Content-Type: application/octet-stream\r\n"
                  + "Content-Length: "
                  + 2 * rest.length
                  + "\r\n\r\n"
                  + half)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();

      gateway.sigterm();
      assertThat(awaitReadiness(gateway.port, 503))
          .as("readiness goes DOWN while the gateway still answers")
          .isTrue();
      assertThat(browser.awaitClose(Duration.ofSeconds(15)))
          .as("the browser is told the server restarts, so it reconnects elsewhere")
          .isEqualTo(1012);

      // The delay is over and the gateway drains: the upload still finishes.
      out.write(rest);
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(upload.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 201 Created");
      assertThat(Files.readString(workspaces.resolve(workspace).resolve("slow.txt")))
          .isEqualTo(half + half);
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).as("then the gateway exits").isTrue();
    }
  }

  /** Polls readiness until it answers {@code status}; false after 10 s. */
  private static boolean awaitReadiness(int port, int status) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(GatewayApi.uri(port, "/q/health/ready")).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == status) {
          return true;
        }
      } catch (java.io.IOException e) {
        return false; // the gateway stopped answering
      }
      Thread.onSpinWait();
    }
    return false;
  }
}
