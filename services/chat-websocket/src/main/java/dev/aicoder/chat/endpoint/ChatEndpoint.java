package dev.aicoder.chat.endpoint;

import dev.aicoder.auth.TokenClaims;
import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.service.ChatService;
import dev.aicoder.chat.service.Sessions;
import dev.aicoder.chat.service.TokenCheck;
import dev.aicoder.common.SerialExecutor;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.FrameException;
import dev.aicoder.protocol.Limits;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The browser endpoint of wire protocol version 1. A bad frame gets an {@code error} frame and the
 * connection lives on; abuse closes it (1008), as do too big a frame (1009) and a full instance
 * (1013).
 *
 * <p>A plain Vert.x route and socket, as in the gateway's proxy: a frame goes out with one write
 * and no reactive pipeline. As a websockets-next endpoint, every frame sent cost a {@code Uni} and
 * its subscription on top (benchmarks/chat-latency has the figures). What a connection sends in is
 * handled off the event loop (it reads Redis), one frame after the other in arrival order ({@link
 * SerialExecutor}). The subprotocols and the size bounds are the server's ({@link
 * #customizeHttpServer}).
 */
@ApplicationScoped
public class ChatEndpoint implements HttpServerOptionsCustomizer {

  static final String PATH = "/ws/chat";

  private final ChatService chat;
  private final ChatConfig config;
  private final MeterRegistry metrics;
  private final Sessions sessions;
  private final TokenCheck tokens;

  ChatEndpoint(
      ChatService chat,
      Sessions sessions,
      TokenCheck tokens,
      ChatConfig config,
      MeterRegistry metrics) {
    this.chat = chat;
    this.tokens = tokens;
    this.sessions = sessions;
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * The subprotocols a handshake may pick, and the bound on a message and on one frame: a browser
   * sends a message as one frame, and Vert.x's default frame bound (64 KB) would refuse a long
   * prompt that the protocol allows. No permessage-deflate, which browsers offer and Vert.x would
   * accept: a compressor per connection (zlib's state for a 32 KB window, about 256 KB) and a
   * compression per token frame of about 100 bytes cost more than the bytes they save
   * (benchmarks/chat-latency).
   */
  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    options
        .setWebSocketSubProtocols(FrameCodec.SUBPROTOCOLS)
        .setMaxWebSocketMessageSize(Limits.MAX_FRAME_BYTES)
        .setMaxWebSocketFrameSize(Limits.MAX_FRAME_BYTES)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    customizeHttpServer(options);
  }

  void register(@Observes Router router) {
    router.route(PATH).method(HttpMethod.GET).order(-240).handler(this::handshake);
  }

  private void handshake(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      rc.response().setStatusCode(400).end(PATH + " takes a WebSocket handshake");
      return;
    }
    request
        .toWebSocket()
        .onSuccess(this::opened)
        .onFailure(e -> Log.debugf("A chat socket handshake failed: %s", e.getMessage()));
  }

  /** Sets the handlers at once (no frame is missed), then checks the token off the event loop. */
  private void opened(ServerWebSocket socket) {
    String id = UUID.randomUUID().toString();
    Context context = Vertx.currentContext();
    // Vert.x's ordered executeBlocking orders per event loop: every connection of a loop would
    // wait behind one slow frame.
    Executor inOrder =
        new SerialExecutor(
            task ->
                context.executeBlocking(
                    () -> {
                      task.run();
                      return null;
                    },
                    false));
    socket.textMessageHandler(
        text -> inOrder.execute(() -> handle(id, () -> FrameCodec.fromJson(text))));
    socket.binaryMessageHandler(
        bytes -> inOrder.execute(() -> handle(id, () -> FrameCodec.fromMsgpack(bytes.getBytes()))));
    socket.pongHandler(
        data -> {
          Session session = sessions.get(id);
          if (session != null) {
            session.touch();
          }
        });
    socket.exceptionHandler(e -> failed(socket, id, e));
    socket.closeHandler(
        v -> {
          sessions.remove(id);
          Short code = socket.closeStatusCode();
          metrics
              .counter("aicoder.ws.closes", "code", code == null ? "none" : code.toString())
              .increment();
        });
    inOrder.execute(() -> admit(socket, id));
  }

  private void admit(ServerWebSocket socket, String id) {
    String token = Identity.token(socket.query());
    TokenClaims claims = token == null ? null : tokens.check(token);
    if (claims == null) {
      socket.close((short) 1008, "missing, invalid, expired or signed-out access_token");
      return;
    }
    if (socket.isClosed()) {
      return; // gone while its token was checked
    }
    boolean binary = FrameCodec.MSGPACK.equals(socket.subProtocol());
    Session session =
        new Session(
            socket, id, claims, binary, config.framesPerSecond(), config.maxSendQueue(), metrics);
    switch (sessions.admit(session)) {
      case INSTANCE_FULL ->
          session.close(1013, "this instance is at its connection limit; try again later");
      case DRAINING -> session.close(1012, "service restart: reconnect");
      case USER_FULL ->
          session.close(
              1013,
              "too many connections for this user (at most "
                  + config.maxConnectionsPerUser()
                  + "); close another tab");
      case ADMITTED -> {
        if (socket.isClosed()) {
          sessions.remove(id); // its close handler ran before it was admitted
        }
      }
    }
  }

  /**
   * Vert.x reports a message or frame over the bound as an error; answer with the standard code.
   */
  private void failed(ServerWebSocket socket, String id, Throwable error) {
    if (socket.isClosed()) {
      return;
    }
    String message = String.valueOf(error.getMessage());
    if (message.contains("max message size") || message.contains("Max frame length")) {
      socket.close((short) 1009, "frame larger than " + Limits.MAX_FRAME_BYTES + " bytes");
    } else if (error instanceof java.io.IOException) {
      Log.debugf("Chat socket %s failed: %s", id, error.getMessage()); // a reset by the client
    } else {
      Log.warnf("WebSocket error on %s: %s", id, error.getMessage());
      socket.close((short) 1011, "internal error");
    }
  }

  private interface Decoder {
    Frame decode() throws FrameException;
  }

  private void handle(String id, Decoder decoder) {
    Session session = sessions.get(id);
    if (session == null) {
      return; // refused, or closed
    }
    session.touch();
    if (!session.allowFrame()) {
      if (session.violations() > config.maxViolations()) {
        session.close(1008, "too many frames; slow down");
      } else {
        session.send(
            Frame.Error.frame(
                ErrorCode.RATE_LIMITED,
                "Too many frames: at most " + config.framesPerSecond() + " a second."));
      }
      return;
    }
    Frame frame;
    try {
      frame = decoder.decode();
    } catch (FrameException e) {
      metrics.counter("aicoder.ws.frames.in", "type", "invalid").increment();
      session.send(Frame.Error.frame(e.code(), e.getMessage()));
      return;
    }
    metrics
        .counter("aicoder.ws.frames.in", "type", frame.getClass().getSimpleName().toLowerCase())
        .increment();
    try {
      dispatch(session, frame);
    } catch (ChatService.Refused e) {
      session.send(Frame.Error.frame(e.code, e.getMessage()));
    } catch (RuntimeException e) {
      Log.errorf(e, "Handling a %s frame failed", frame.getClass().getSimpleName());
      session.send(
          Frame.Error.frame(
              ErrorCode.INTERNAL, "The server could not handle that frame; try again."));
    }
  }

  private void dispatch(Session session, Frame frame) {
    if (frame instanceof Frame.Join join) {
      chat.join(session, join.conversationId());
    } else if (frame instanceof Frame.Prompt prompt) {
      chat.prompt(session, prompt); // sends accepted itself, before any event of the turn
    } else if (frame instanceof Frame.Resume resume) {
      metrics.counter("aicoder.ws.resumes").increment();
      chat.resume(session, resume);
    } else if (frame instanceof Frame.Cancel cancel) {
      chat.cancel(session, cancel);
    } else if (frame instanceof Frame.Ping ping) {
      session.send(new Frame.Pong(ping.ts()));
    } else if (!(frame instanceof Frame.Pong)) {
      String type = frame.getClass().getSimpleName().toLowerCase();
      session.send(
          Frame.Error.frame(ErrorCode.UNKNOWN_TYPE, "clients cannot send \"" + type + "\" frames"));
    }
  }
}
