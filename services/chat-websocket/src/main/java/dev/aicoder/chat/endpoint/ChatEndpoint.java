package dev.aicoder.chat.endpoint;

import dev.aicoder.auth.TokenClaims;
import dev.aicoder.chat.Session;
import dev.aicoder.chat.config.ChatConfig;
import dev.aicoder.chat.service.ChatService;
import dev.aicoder.chat.service.Sessions;
import dev.aicoder.chat.service.TokenCheck;
import dev.aicoder.protocol.ErrorCode;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.FrameException;
import dev.aicoder.protocol.Limits;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;

/**
 * The browser endpoint of wire protocol version 1. A bad frame gets an {@code error} frame and the
 * connection lives on; abuse closes it (1008), as do too big a frame (1009) and a full instance
 * (1013).
 */
@WebSocket(path = "/ws/chat")
public class ChatEndpoint {

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

  @OnOpen
  public void onOpen(WebSocketConnection connection) {
    String token = Identity.token(connection.handshakeRequest());
    TokenClaims claims = token == null ? null : tokens.check(token);
    if (claims == null) {
      close(connection, 1008, "missing, invalid, expired or signed-out access_token");
      return;
    }
    boolean binary = FrameCodec.MSGPACK.equals(Identity.subprotocol(connection.handshakeRequest()));
    Session session =
        new Session(
            connection, claims, binary, config.framesPerSecond(), config.maxSendQueue(), metrics);
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
      case ADMITTED -> {}
    }
  }

  @OnTextMessage
  public void onText(String text, WebSocketConnection connection) {
    Session session = sessions.get(connection.id());
    if (session != null) {
      handle(session, () -> FrameCodec.fromJson(text));
    }
  }

  @OnBinaryMessage
  public void onBinary(Buffer bytes, WebSocketConnection connection) {
    Session session = sessions.get(connection.id());
    if (session != null) {
      handle(session, () -> FrameCodec.fromMsgpack(bytes.getBytes()));
    }
  }

  @OnPongMessage
  public void onPong(Buffer data, WebSocketConnection connection) {
    Session session = sessions.get(connection.id());
    if (session != null) {
      session.touch();
    }
  }

  @OnClose
  public void onClose(WebSocketConnection connection) {
    sessions.remove(connection.id());
    String reason =
        connection.closeReason() == null
            ? "none"
            : Integer.toString(connection.closeReason().getCode());
    metrics.counter("aicoder.ws.closes", "code", reason).increment();
  }

  /** Vert.x reports a frame over the size limit as an error; answer it with the standard code. */
  @OnError
  public void onTooBig(IllegalStateException error, WebSocketConnection connection) {
    if (String.valueOf(error.getMessage()).contains("max message size")) {
      close(connection, 1009, "frame larger than " + Limits.MAX_FRAME_BYTES + " bytes");
    } else {
      Log.warnf("WebSocket error on %s: %s", connection.id(), error.getMessage());
      close(connection, 1011, "internal error");
    }
  }

  private interface Decoder {
    Frame decode() throws FrameException;
  }

  private void handle(Session session, Decoder decoder) {
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

  private static void close(WebSocketConnection connection, int code, String reason) {
    connection.close(new CloseReason(code, reason)).subscribe().with(v -> {}, e -> {});
  }
}
