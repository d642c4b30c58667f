package dev.aicoder.gateway.proxy;

import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.protocol.FrameCodec;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;

/**
 * Proxies {@code /ws/*} to chat-websocket so that, locally, the browser talks to one origin. In
 * Kubernetes the ingress routes {@code /ws/*} itself and this is never reached. The browser's
 * connection is accepted first (paused), then the backend one is opened with the same path, query
 * (the access token) and negotiated subprotocol; frames and closes are relayed both ways.
 */
@ApplicationScoped
public class WebSocketProxy implements HttpServerOptionsCustomizer {

  private final URI target;
  private HttpClient client;

  WebSocketProxy(GatewayConfig config) {
    this.target = URI.create(config.wsProxyTarget().orElse(config.chatWebsocketUrl()));
  }

  /** The gateway's server must know the subprotocols to answer the browser's handshake. */
  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    options.setWebSocketSubProtocols(List.copyOf(FrameCodec.SUBPROTOCOLS));
  }

  void install(@Observes Router router, Vertx vertx) {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setMaxWebSockets(100_000).setConnectTimeout(2000));
    router.route("/ws/*").order(-100).handler(this::proxy);
  }

  private void proxy(RoutingContext context) {
    if (!"websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"))) {
      context.response().setStatusCode(426).putHeader("Upgrade", "websocket").end();
      return;
    }
    context
        .request()
        .toWebSocket()
        .onFailure(e -> Log.debugf("WebSocket handshake failed: %s", e.getMessage()))
        .onSuccess(this::connectBackend);
  }

  private void connectBackend(ServerWebSocket front) {
    front.pause();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(target.getHost())
            .setPort(target.getPort())
            .setSsl("https".equals(target.getScheme()))
            .setURI(front.uri());
    if (front.subProtocol() != null) {
      options.addSubProtocol(front.subProtocol());
    }
    client
        .webSocket(options)
        .onFailure(
            e -> {
              Log.warnf("chat-websocket is not reachable at %s: %s", target, e.getMessage());
              front.close((short) 1013, "chat service unavailable; try again shortly");
            })
        .onSuccess(back -> relay(front, back));
  }

  private static void relay(ServerWebSocket front, WebSocket back) {
    front.closeHandler(v -> closeWith(back, front.closeStatusCode(), front.closeReason()));
    back.closeHandler(v -> closeWith(front, back.closeStatusCode(), back.closeReason()));
    front.exceptionHandler(e -> back.close());
    back.exceptionHandler(e -> front.close());
    // Slow readers on either side push back instead of growing memory.
    front.drainHandler(v -> back.resume());
    back.drainHandler(v -> front.resume());
    front.frameHandler(
        frame -> {
          if (!back.isClosed()) {
            back.writeFrame(frame);
            if (back.writeQueueFull()) {
              front.pause();
            }
          }
        });
    back.frameHandler(
        frame -> {
          if (!front.isClosed()) {
            front.writeFrame(frame);
            if (front.writeQueueFull()) {
              back.pause();
            }
          }
        });
    front.resume();
  }

  private static void closeWith(
      io.vertx.core.http.WebSocketBase socket, Short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code == null ? (short) 1000 : code, reason);
    }
  }
}
