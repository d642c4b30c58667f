package dev.aicoder.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /ws/chat proxy's own heartbeat, quick here, against WebSocketProxyTest's echo backend. */
@QuarkusTest
@TestProfile(WebSocketProxyHeartbeatTest.QuickHeartbeat.class)
@QuarkusTestResource(LocalRedisResource.class)
class WebSocketProxyHeartbeatTest {

  /** Pings every second, so a browser silent for 3 s is gone. */
  public static class QuickHeartbeat implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.gateway.ws-proxy-target",
          "http://localhost:" + WebSocketProxyTest.ECHO_PORT,
          "aicoder.gateway.ws-heartbeat",
          "1s");
    }
  }

  @TestHTTPResource("/")
  URI base;

  /** Issue 11: the proxy answered chat-websocket's pings itself, so dead browsers stayed. */
  @Test
  void aBrowserThatStopsAnsweringPingsIsClosedWithItsBackendSocket() throws Exception {
    String query = "access_token=" + Api.adminToken() + "&silent";
    try (Socket silent = new Socket(base.getHost(), base.getPort())) {
      silent
          .getOutputStream()
          .write(
              ("GET /ws/chat?"
                      + query
                      + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: aicoder.v1.json\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status =
          new BufferedReader(
                  new InputStreamReader(silent.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).startsWith("HTTP/1.1 101");
      await().atMost(Duration.ofSeconds(10)).until(() -> WebSocketProxyTest.opened.contains(query));
      // It never answers a ping: three heartbeats (3 s) later both sides are closed.
      await().atMost(Duration.ofSeconds(10)).until(() -> WebSocketProxyTest.closed.contains(query));
    }
  }

  @Test
  void aBrowserThatAnswersPingsStays() throws Exception {
    WebSocketProxyTest.Client client = new WebSocketProxyTest.Client();
    var socket = client.open(base, "/ws/chat?access_token=" + Api.adminToken() + "&alive");
    // Five heartbeats later it still talks through the proxy (the JDK client answers pings).
    await()
        .pollDelay(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> socket.sendText("still", true).thenApply(w -> true).join());
    assertThat(client.messages.poll(10, java.util.concurrent.TimeUnit.SECONDS))
        .startsWith("still|");
    assertThat(client.closes).isEmpty();
  }
}
