package dev.aicoder.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aicoder.fakellm.RawWebSocket;
import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(WebSocketProxyTest.EchoBackend.class)
@QuarkusTestResource(LocalRedisResource.class)
class WebSocketProxyTest {

  private static final Vertx VERTX = Vertx.vertx();
  static final int ECHO_PORT = startEcho();

  /** Points the proxy at an echo server that speaks the chat subprotocols. */
  public static class EchoBackend implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.gateway.ws-proxy-target", "http://localhost:" + ECHO_PORT);
    }
  }

  @TestHTTPResource("/")
  URI base;

  /** Queries of the connections the backend accepted, and of those that closed. */
  static final Set<String> opened = ConcurrentHashMap.newKeySet();

  static final Set<String> closed = ConcurrentHashMap.newKeySet();

  /** Bytes the backend's flood wrote, and whether it found its socket full. */
  private static final AtomicLong flooded = new AtomicLong();

  private static volatile boolean floodStalled;

  private static final int FLOOD_BYTES = 48 << 20;

  /**
   * Echoes text with the query it saw; "bye" makes it close with 4001; "flood" makes it write
   * FLOOD_BYTES in 64 KB messages as fast as its socket takes them.
   */
  private static int startEcho() {
    HttpServer server =
        VERTX.createHttpServer(
            new HttpServerOptions()
                .setWebSocketSubProtocols(List.of("aicoder.v1.json"))
                .setMaxWebSocketFrameSize(WebSocketProxy.MAX_MESSAGE_BYTES)
                .setMaxWebSocketMessageSize(2 * WebSocketProxy.MAX_MESSAGE_BYTES));
    server.webSocketHandler(
        ws -> {
          opened.add(ws.query());
          ws.closeHandler(v -> closed.add(ws.query()));
          ws.textMessageHandler(
              text -> {
                if (text.equals("bye")) {
                  ws.close((short) 4001, "bye");
                } else if (text.equals("flood")) {
                  flood(ws);
                } else {
                  ws.writeTextMessage(text + "|" + ws.query() + "|" + ws.subProtocol());
                }
              });
        });
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

  private static void flood(ServerWebSocket ws) {
    Buffer chunk = Buffer.buffer(new byte[64 << 10]);
    while (flooded.get() < FLOOD_BYTES) {
      if (ws.writeQueueFull()) {
        floodStalled = true;
        ws.drainHandler(v -> flood(ws));
        return;
      }
      ws.writeBinaryMessage(chunk);
      flooded.addAndGet(chunk.length());
    }
  }

  @AfterAll
  static void stop() {
    VERTX.close();
  }

  @Test
  void framesTokenSubprotocolAndCloseCodesPassThrough() throws Exception {
    String token = Api.adminToken();
    Client client = new Client();
    WebSocket socket = client.open(base, "/ws/chat?access_token=" + token);
    assertThat(socket.getSubprotocol()).isEqualTo("aicoder.v1.json");
    socket.sendText("hello", true).join();
    assertThat(client.messages.poll(10, TimeUnit.SECONDS))
        .isEqualTo("hello|access_token=" + token + "|aicoder.v1.json");
    socket.sendText("bye", true).join();
    assertThat(client.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(4001);
  }

  @Test
  void framesSentRightAfterOpeningAreNotLost() throws Exception {
    String token = Api.adminToken();
    for (int i = 0; i < 20; i++) {
      Client client = new Client();
      WebSocket socket = client.open(base, "/ws/chat?access_token=" + token + "&n=" + i);
      socket.sendText("first", true);
      assertThat(client.messages.poll(10, TimeUnit.SECONDS))
          .isEqualTo("first|access_token=" + token + "&n=" + i + "|aicoder.v1.json");
      socket.sendClose(1000, "done").join();
    }
  }

  /**
   * A browser sends a message as one frame: the longest the protocol allows passes both ways. Its
   * offer of permessage-deflate is declined, as chat-websocket declines it.
   */
  @Test
  void theLongestMessageAllowedPassesInOneFrame() throws Exception {
    String token = Api.adminToken();
    String text = "x".repeat(WebSocketProxy.MAX_MESSAGE_BYTES - 1024);
    try (RawWebSocket client = new RawWebSocket(base, token)) {
      assertThat(client.extensions()).as("permessage-deflate, offered as browsers do").isNull();
      client.sendText(text);
      assertThat(client.nextText()).isEqualTo(text + "|access_token=" + token + "|aicoder.v1.json");
    }
  }

  /** Issue 11: the proxy opened a backend socket for anyone, before checking the token. */
  @Test
  void aHandshakeWithoutAValidTokenIsRefusedBeforeTheBackendIsReached() {
    for (String query : List.of("", "?access_token=not-a-token", "?access_token=eyJ.x.y")) {
      assertThatThrownBy(() -> new Client().open(base, "/ws/chat" + query))
          .hasCauseInstanceOf(WebSocketHandshakeException.class)
          .cause()
          .satisfies(
              e ->
                  assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                      .isEqualTo(401));
    }
    assertThat(opened)
        .noneMatch(q -> q == null || q.contains("not-a-token") || q.contains("eyJ.x"));
  }

  /** Issue 11: a browser that reads slowly used to grow the gateway's heap without bound. */
  @Test
  void aSlowReaderPausesTheBackendAndStillGetsEverything() throws Exception {
    Client client = new Client();
    client.demand = 0; // reads nothing until asked
    WebSocket socket = client.open(base, "/ws/chat?access_token=" + Api.adminToken() + "&flood");
    socket.sendText("flood", true).join();
    // The backend stops getting rid of bytes: its writes stay put for half a second.
    AtomicLong seen = new AtomicLong(-1);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> floodStalled && flooded.get() == seen.getAndSet(flooded.get()));
    // What the backend got rid of sits in socket buffers and at most 1 MB of the proxy's heap.
    assertThat(flooded.get()).as("bytes written while nobody read").isLessThan(24L << 20);
    socket.request(Long.MAX_VALUE);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(client.binaryBytes.get())
                    .as("bytes received; the backend wrote %d", flooded.get())
                    .isEqualTo(FLOOD_BYTES));
    socket.sendClose(1000, "done").join();
  }

  /** A JDK WebSocket client that queues what it receives. */
  static class Client implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    final AtomicLong binaryBytes = new AtomicLong();
    long demand = 1;

    @Override
    public void onOpen(WebSocket ws) {
      if (demand > 0) {
        ws.request(demand);
      }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      binaryBytes.addAndGet(data.remaining());
      ws.request(1);
      return CompletableFuture.completedFuture(null);
    }

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
