package dev.aicoder.gateway.proxy;

import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
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
 * <p>The handshake is authenticated first ({@link ChatUpgradeCheck}). The backend connection
 * carries the same query (the access token) and the negotiated subprotocol; frames sent before it
 * is open wait in a small queue; closes are relayed both ways with their codes. A browser that
 * reads slowly pauses the backend socket instead of growing this heap ({@link #MAX_UNSENT_BYTES}),
 * and one that stops answering pings is closed, which closes its backend socket: this replica
 * answers chat-websocket's pings itself, so it must find dead browsers itself too. A stopping
 * gateway closes every socket with 1012 ({@link #restartAll()}). Each prompt's hop is a span of the
 * prompt's trace ({@link PromptSpans}).
 */
@WebSocket(path = "/ws/chat")
public class WebSocketProxy {

  private static final int MAX_PENDING = 64;

  /** Bytes on their way to one browser above which the backend socket is paused. */
  static final long MAX_UNSENT_BYTES = 1 << 20;

  /** The close code that tells a browser this server is restarting: reconnect and resume. */
  static final int SERVICE_RESTART = 1012;

  private final URI target;
  private final HttpClient client;
  private final PromptSpans prompts;
  private final long silentLimitNanos;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private volatile boolean restarting;

  WebSocketProxy(GatewayConfig config, Vertx vertx, PromptSpans prompts) {
    this.prompts = prompts;
    this.target = URI.create(config.wsProxyTarget().orElse(config.chatWebsocketUrl()));
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setMaxWebSockets(100_000).setConnectTimeout(2000));
    this.silentLimitNanos = 3 * config.wsHeartbeat().toNanos();
    vertx.setPeriodic(config.wsHeartbeat().toMillis(), id -> heartbeat());
  }

  @OnOpen
  void onOpen(WebSocketConnection front) {
    if (restarting) {
      close(front, SERVICE_RESTART, "the gateway is restarting; reconnect");
      return;
    }
    Link link = new Link(front, prompts);
    links.put(front.id(), link);
    String query = front.handshakeRequest().query();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(target.getHost())
            .setPort(target.getPort())
            .setSsl("https".equals(target.getScheme()))
            .setURI(front.handshakeRequest().path() + (query == null ? "" : "?" + query));
    if (front.subprotocol() != null && !front.subprotocol().isEmpty()) {
      options.addSubProtocol(front.subprotocol());
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

  @OnTextMessage
  void onText(String text, WebSocketConnection front) {
    Link link = links.get(front.id());
    if (link != null) {
      link.send(WebSocketFrame.textFrame(link.traced(text), true));
    }
  }

  @OnBinaryMessage
  void onBinary(Buffer bytes, WebSocketConnection front) {
    Link link = links.get(front.id());
    if (link != null) {
      link.send(WebSocketFrame.binaryFrame(link.traced(bytes), true));
    }
  }

  @OnPongMessage
  void onPong(Buffer data, WebSocketConnection front) {
    Link link = links.get(front.id());
    if (link != null) {
      link.lastSeenNanos = System.nanoTime();
    }
  }

  @OnClose
  void onClose(WebSocketConnection front, CloseReason reason) {
    Link link = links.remove(front.id());
    if (link != null) {
      link.close(reason.getCode(), reason.getMessage());
    }
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
      links.remove(link.front.id());
      link.close(1001, "the browser moves to another gateway");
      if (!link.front.isClosed()) {
        closes.add(
            link.front
                .close(new CloseReason(SERVICE_RESTART, "the gateway is restarting; reconnect"))
                .subscribeAsCompletionStage()
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
        links.remove(link.front.id());
        link.close(1001, "no answer to pings");
        close(link.front, 1001, "no answer to pings");
      } else {
        link.front.sendPing(Buffer.buffer()).subscribe().with(v -> {}, e -> {});
      }
    }
  }

  private static void close(WebSocketConnection front, int code, String reason) {
    if (!front.isClosed()) {
      front.close(new CloseReason(code, reason)).subscribe().with(v -> {}, e -> {});
    }
  }

  /** One browser connection and its backend connection. */
  private static final class Link {
    private final WebSocketConnection front;
    private final PromptSpans prompts;
    private final PromptSpans.Pending unanswered = new PromptSpans.Pending();
    private final Queue<WebSocketFrame> pending = new ArrayDeque<>();
    private io.vertx.core.http.WebSocket back;
    private Context backContext;
    private boolean closed;
    private long unsentBytes;
    private boolean paused;
    volatile long lastSeenNanos = System.nanoTime();

    Link(WebSocketConnection front, PromptSpans prompts) {
      this.front = front;
      this.prompts = prompts;
    }

    synchronized String traced(String text) {
      return prompts.fromBrowser(text, unanswered);
    }

    synchronized Buffer traced(Buffer bytes) {
      return prompts.fromBrowser(bytes, unanswered);
    }

    synchronized void connected(io.vertx.core.http.WebSocket socket) {
      if (closed) {
        socket.close();
        return;
      }
      back = socket;
      backContext = Vertx.currentContext();
      socket.textMessageHandler(
          t -> {
            answered(t);
            forward(front.sendText(t), t.length());
          });
      socket.binaryMessageHandler(
          b -> {
            answered(b);
            forward(front.sendBinary(b), b.length());
          });
      socket.closeHandler(
          v -> {
            Short code = socket.closeStatusCode();
            int sent = code == null || code == 1005 ? 1000 : code == 1006 ? 1011 : code;
            WebSocketProxy.close(front, sent, socket.closeReason());
          });
      while (!pending.isEmpty()) {
        socket.writeFrame(pending.poll());
      }
    }

    /**
     * Counts a message until the browser's socket has taken it; past the limit the backend is
     * paused (chat-websocket then buffers, and applies its own limits), and resumed at half.
     */
    private void forward(Uni<Void> sent, long bytes) {
      synchronized (this) {
        unsentBytes += bytes;
        if (!paused && unsentBytes > MAX_UNSENT_BYTES) {
          paused = true;
          back.pause();
        }
      }
      sent.subscribe()
          .with(
              v -> written(bytes),
              e -> {
                written(bytes);
                Log.debugf("Could not relay to browser %s: %s", front.id(), e.getMessage());
              });
    }

    private synchronized void written(long bytes) {
      unsentBytes -= bytes;
      if (paused && unsentBytes <= MAX_UNSENT_BYTES / 2) {
        paused = false;
        // Sends complete on the browser's context; the backend socket is driven from its own.
        backContext.runOnContext(v -> back.resume());
      }
    }

    synchronized void send(WebSocketFrame frame) {
      if (back != null) {
        if (!back.isClosed()) {
          back.writeFrame(frame);
        }
      } else if (pending.size() < MAX_PENDING) {
        pending.add(frame);
      } else {
        WebSocketProxy.close(front, 1013, "the chat service is not answering");
      }
    }

    private synchronized void answered(String text) {
      prompts.fromBackend(text, unanswered);
    }

    private synchronized void answered(Buffer bytes) {
      prompts.fromBackend(bytes, unanswered);
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
