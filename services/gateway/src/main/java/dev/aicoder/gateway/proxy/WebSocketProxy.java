package dev.aicoder.gateway.proxy;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.AuthFilter;
import dev.aicoder.gateway.security.Authenticator;
import dev.aicoder.protocol.FrameCodec;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proxies {@code /ws/chat} to chat-websocket so that, locally, the browser talks to one origin. In
 * Kubernetes the ingress routes {@code /ws/*} itself and this is never reached.
 *
 * <p>A plain Vert.x route with two Vert.x sockets: each message is written on as it was read, on
 * the same event loop, with no reactive pipeline per message. As a websockets-next endpoint, the
 * gateway spent 218 µs of CPU per token at 20 streams of 200 tokens, most of it per socket; now 103
 * (benchmarks/chat-latency; at 200 streams both are about 55, Netty's and the kernel's). The
 * handshake is authenticated first, like every other route ({@link Authenticator}): an anonymous
 * client costs the backend nothing. The backend connection carries the same query (the access
 * token) and the negotiated subprotocol; frames sent before it is open wait in a small queue;
 * closes are relayed both ways with their codes. A browser that reads slowly pauses the backend
 * socket once 1 MB waits for it ({@link #MAX_UNSENT_BYTES}), and one that stops answering pings is
 * closed, which closes its backend socket. A stopping gateway closes every socket with 1012 ({@link
 * #restartAll()}). Each prompt's hop is a span of the prompt's trace ({@link PromptSpans}).
 */
@ApplicationScoped
public class WebSocketProxy implements HttpServerOptionsCustomizer {

  static final String PATH = "/ws/chat";

  /** Ahead of Quarkus's authentication and REST filters, which this route does not use. */
  static final int ORDER = -240;

  /** The largest message either side may send, as chat-websocket allows. */
  static final int MAX_MESSAGE_BYTES = 262_144;

  private static final int MAX_PENDING = 64;

  /** Bytes on their way to one browser above which the backend socket is paused. */
  static final int MAX_UNSENT_BYTES = 1 << 20;

  /** The close code that tells a browser this server is restarting: reconnect and resume. */
  static final int SERVICE_RESTART = 1012;

  private final URI target;
  private final HttpClient client;
  private final PromptSpans prompts;
  private final Authenticator authenticator;
  private final long silentLimitNanos;
  private final Map<ServerWebSocket, Link> links = new ConcurrentHashMap<>();
  private volatile boolean restarting;

  WebSocketProxy(
      GatewayConfig config, Vertx vertx, PromptSpans prompts, Authenticator authenticator) {
    this.prompts = prompts;
    this.authenticator = authenticator;
    this.target = URI.create(config.wsProxyTarget().orElse(config.chatWebsocketUrl()));
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMaxWebSockets(100_000)
                .setConnectTimeout(2000)
                .setMaxWebSocketMessageSize(MAX_MESSAGE_BYTES)
                .setMaxWebSocketFrameSize(MAX_MESSAGE_BYTES));
    this.silentLimitNanos = 3 * config.wsHeartbeat().toNanos();
    vertx.setPeriodic(config.wsHeartbeat().toMillis(), id -> heartbeat());
  }

  /**
   * The subprotocols the handshake may pick, and the bounds on the gateway's server: on a message,
   * and on one frame, since a browser sends a message as one frame (Vert.x's default frame bound,
   * 64 KB, dropped the socket of a long prompt the protocol allows). No permessage-deflate, as
   * chat-websocket: a compressor per connection costs more than the small frames save.
   */
  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    options
        .setWebSocketSubProtocols(FrameCodec.SUBPROTOCOLS)
        .setMaxWebSocketMessageSize(MAX_MESSAGE_BYTES)
        .setMaxWebSocketFrameSize(MAX_MESSAGE_BYTES)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    customizeHttpServer(options);
  }

  void register(@Observes Router router) {
    router.route(PATH).method(HttpMethod.GET).order(ORDER).handler(this::handshake);
  }

  private void handshake(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      rc.response().setStatusCode(400).end("/ws/chat takes a WebSocket handshake");
      return;
    }
    String token = request.getParam("access_token");
    String authorization = token == null ? null : "Bearer " + token;
    String ip = AuthFilter.clientAddress(request);
    try {
      if (authenticator.admitKnown(ip, authorization) != null) {
        accept(request);
        return;
      }
    } catch (ProblemException e) {
      refuse(rc, ip, e);
      return;
    }
    authenticator
        .admit(PATH, ip, authorization)
        .subscribe()
        .with(claims -> accept(request), e -> refuse(rc, ip, ProblemException.of(e)));
  }

  private static void refuse(RoutingContext rc, String ip, ProblemException e) {
    Log.debugf("Refused a chat socket from %s: %s", ip, e.getMessage());
    rc.response().setStatusCode(e.problem().status()).end();
  }

  private void accept(HttpServerRequest request) {
    request
        .toWebSocket()
        .onSuccess(this::opened)
        .onFailure(e -> Log.debugf("A chat socket handshake failed: %s", e.getMessage()));
  }

  private void opened(ServerWebSocket front) {
    if (restarting) {
      front.close((short) SERVICE_RESTART, "the gateway is restarting; reconnect");
      return;
    }
    Link link = new Link(front, prompts);
    links.put(front, link);
    front.setWriteQueueMaxSize(MAX_UNSENT_BYTES);
    front.textMessageHandler(text -> link.send(link.traced(text), null));
    front.binaryMessageHandler(bytes -> link.send(null, link.traced(bytes)));
    front.pongHandler(data -> link.lastSeenNanos = System.nanoTime());
    front.closeHandler(
        v -> {
          links.remove(front);
          Short code = front.closeStatusCode();
          link.close(code == null ? 1000 : code, front.closeReason());
        });
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(target.getHost())
            .setPort(target.getPort())
            .setSsl("https".equals(target.getScheme()))
            .setURI(front.uri());
    if (front.subProtocol() != null && !front.subProtocol().isEmpty()) {
      options.addSubProtocol(front.subProtocol());
    }
    client
        .webSocket(options)
        .onFailure(
            e -> {
              Log.warnf("chat-websocket is not reachable at %s: %s", target, e.getMessage());
              close(front, 1013, "chat service unavailable; try again shortly");
            })
        .onSuccess(link::connected);
  }

  /**
   * Closes every socket with 1012 (service restart), and each one opened later, so browsers
   * reconnect to another replica and resume; their backend sockets close with 1001. Completes when
   * the close frames are sent.
   */
  public CompletableFuture<Void> restartAll() {
    restarting = true;
    Log.infof("Closing %d chat sockets with 1012 for the restart", links.size());
    List<CompletableFuture<Void>> closes = new ArrayList<>();
    for (Link link : links.values()) {
      links.remove(link.front);
      link.close(1001, "the browser moves to another gateway");
      if (!link.front.isClosed()) {
        closes.add(
            link.front
                .close((short) SERVICE_RESTART, "the gateway is restarting; reconnect")
                .toCompletionStage()
                .toCompletableFuture()
                .exceptionally(e -> null));
      }
    }
    return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new));
  }

  /** Pings every browser; one silent for three heartbeats is gone, and so is its backend socket. */
  private void heartbeat() {
    long now = System.nanoTime();
    for (Link link : links.values()) {
      if (now - link.lastSeenNanos > silentLimitNanos) {
        // A dead browser never completes the close handshake, so its backend goes now.
        links.remove(link.front);
        link.close(1001, "no answer to pings");
        close(link.front, 1001, "no answer to pings");
      } else if (!link.front.isClosed()) {
        link.front.writePing(Buffer.buffer());
      }
    }
  }

  private static void close(WebSocketBase socket, int code, String reason) {
    if (!socket.isClosed()) {
      socket.close((short) code, reason);
    }
  }

  /** One browser connection and its backend connection. */
  private static final class Link {
    private final ServerWebSocket front;
    private final PromptSpans prompts;
    private final PromptSpans.Pending unanswered = new PromptSpans.Pending();
    private final Queue<Object> pending = new ArrayDeque<>();
    private WebSocket back;
    private boolean closed;
    volatile long lastSeenNanos = System.nanoTime();

    Link(ServerWebSocket front, PromptSpans prompts) {
      this.front = front;
      this.prompts = prompts;
    }

    synchronized String traced(String text) {
      return prompts.fromBrowser(text, unanswered);
    }

    synchronized Buffer traced(Buffer bytes) {
      return prompts.fromBrowser(bytes, unanswered);
    }

    synchronized void connected(WebSocket socket) {
      if (closed) {
        socket.close();
        return;
      }
      back = socket;
      socket.textMessageHandler(
          text -> {
            answered(text, null);
            front.writeTextMessage(text);
            backPressure();
          });
      socket.binaryMessageHandler(
          bytes -> {
            answered(null, bytes);
            front.writeBinaryMessage(bytes);
            backPressure();
          });
      socket.closeHandler(
          v -> {
            if (closedHere()) {
              return; // whoever closed the link closes the browser's socket with its own code
            }
            Short code = socket.closeStatusCode();
            int sent = code == null || code == 1005 ? 1000 : code == 1006 ? 1011 : code;
            WebSocketProxy.close(front, sent, socket.closeReason());
          });
      for (Object message; (message = pending.poll()) != null; ) {
        write(message);
      }
    }

    /** A browser that reads slowly pauses the backend (which then applies its own limits). */
    private void backPressure() {
      if (front.writeQueueFull()) {
        back.pause();
        front.drainHandler(v -> back.resume());
      }
    }

    synchronized void send(String text, Buffer bytes) {
      Object message = text != null ? text : bytes;
      if (back != null) {
        if (!back.isClosed()) {
          write(message);
        }
      } else if (pending.size() < MAX_PENDING) {
        pending.add(message);
      } else {
        WebSocketProxy.close(front, 1013, "the chat service is not answering");
      }
    }

    private void write(Object message) {
      if (message instanceof String text) {
        back.writeTextMessage(text);
      } else {
        back.writeBinaryMessage((Buffer) message);
      }
    }

    /** Ends the span of the prompt a chat-websocket frame answers; nothing to read otherwise. */
    private synchronized void answered(String text, Buffer bytes) {
      if (!unanswered.isEmpty()) {
        if (text != null) {
          prompts.fromBackend(text, unanswered);
        } else {
          prompts.fromBackend(bytes, unanswered);
        }
      }
    }

    private synchronized boolean closedHere() {
      return closed;
    }

    synchronized void close(int code, String reason) {
      closed = true;
      unanswered.endAll();
      if (back != null && !back.isClosed()) {
        int sent = code == 1005 ? 1000 : code == 1006 ? 1011 : code;
        back.close((short) sent, reason);
      }
    }
  }
}
