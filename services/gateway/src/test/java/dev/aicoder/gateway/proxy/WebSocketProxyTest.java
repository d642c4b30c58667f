package dev.aicoder.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(WebSocketProxyTest.EchoBackend.class)
@QuarkusTestResource(LocalRedisResource.class)
class WebSocketProxyTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final int ECHO_PORT = startEcho();

  /** Points the proxy at an echo server that speaks the chat subprotocols. */
  public static class EchoBackend implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.gateway.ws-proxy-target", "http://localhost:" + ECHO_PORT);
    }
  }

  @TestHTTPResource("/")
  URI base;

  /** Echoes text with the query it saw; "bye" makes it close with 4001. */
  private static int startEcho() {
    HttpServer server =
        VERTX.createHttpServer(
            new HttpServerOptions().setWebSocketSubProtocols(List.of("aicoder.v1.json")));
    server.webSocketHandler(
        ws ->
            ws.textMessageHandler(
                text -> {
                  if (text.equals("bye")) {
                    ws.close((short) 4001, "bye");
                  } else {
                    ws.writeTextMessage(text + "|" + ws.query() + "|" + ws.subProtocol());
                  }
                }));
    try {
      return server
          .listen(0)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .actualPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    VERTX.close();
  }

  @Test
  void framesTokenSubprotocolAndCloseCodesPassThrough() throws Exception {
    Client client = new Client();
    WebSocket socket = client.open(base, "/ws/chat?access_token=abc");
    assertThat(socket.getSubprotocol()).isEqualTo("aicoder.v1.json");
    socket.sendText("hello", true).join();
    assertThat(client.messages.poll(10, TimeUnit.SECONDS))
        .isEqualTo("hello|access_token=abc|aicoder.v1.json");
    socket.sendText("bye", true).join();
    assertThat(client.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(4001);
  }

  @Test
  void framesSentRightAfterOpeningAreNotLost() throws Exception {
    for (int i = 0; i < 20; i++) {
      Client client = new Client();
      WebSocket socket = client.open(base, "/ws/chat?access_token=t" + i);
      socket.sendText("first", true);
      assertThat(client.messages.poll(10, TimeUnit.SECONDS))
          .isEqualTo("first|access_token=t" + i + "|aicoder.v1.json");
      socket.sendClose(1000, "done").join();
    }
  }

  /** A JDK WebSocket client that queues what it receives. */
  static class Client implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

    WebSocket open(URI base, String path) {
      URI uri = URI.create(base.toString().replaceFirst("^http", "ws")).resolve(path);
      return HttpClient.newHttpClient()
          .newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .subprotocols("aicoder.v1.json")
          .buildAsync(uri, this)
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      messages.add(data.toString());
      ws.request(1);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closes.add(statusCode);
      return CompletableFuture.completedFuture(null);
    }
  }
}
