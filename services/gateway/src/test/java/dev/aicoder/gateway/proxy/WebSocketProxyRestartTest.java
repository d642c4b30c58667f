package dev.aicoder.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stopping gateway sends its browsers elsewhere: 1012 on every socket, old and new. */
@QuarkusTest
@TestProfile(WebSocketProxyRestartTest.Restarting.class)
@QuarkusTestResource(LocalRedisResource.class)
class WebSocketProxyRestartTest {

  /** The echo backend, in an application of its own: a restarted proxy stays restarting. */
  public static class Restarting extends WebSocketProxyTest.EchoBackend {}

  @TestHTTPResource("/")
  URI base;

  @Inject WebSocketProxy proxy;

  @Test
  void aRestartClosesEverySocketWith1012AndItsBackendSocket() throws Exception {
    String token = Api.adminToken();
    WebSocketProxyTest.Client browser = new WebSocketProxyTest.Client();
    WebSocket socket = browser.open(base, "/ws/chat?access_token=" + token + "&restart");
    socket.sendText("hello", true).join();
    assertThat(browser.messages.poll(10, TimeUnit.SECONDS)).startsWith("hello|");

    proxy.restartAll().get(5, TimeUnit.SECONDS);

    assertThat(browser.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(1012);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> WebSocketProxyTest.closed.contains("access_token=" + token + "&restart"));

    WebSocketProxyTest.Client late = new WebSocketProxyTest.Client();
    late.open(base, "/ws/chat?access_token=" + token + "&late");
    assertThat(late.closes.poll(10, TimeUnit.SECONDS))
        .as("a socket opened while stopping is sent elsewhere too")
        .isEqualTo(1012);
    assertThat(WebSocketProxyTest.opened).noneMatch(q -> q.endsWith("&late"));
  }
}
