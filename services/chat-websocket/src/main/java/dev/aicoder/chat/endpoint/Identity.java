package dev.aicoder.chat.endpoint;

import io.quarkus.websockets.next.HandshakeRequest;

/**
 * What the handshake says about a connection. The bearer token rides in {@code access_token} (RFC
 * 6750 section 2.3, as browsers cannot set headers on a WebSocket) and is never logged; {@link
 * dev.aicoder.chat.service.TokenCheck} verifies it.
 */
final class Identity {

  private static final int MAX_TOKEN = 4096;

  private Identity() {}

  /** The access token, or null when the connection carries none that could be valid. */
  static String token(HandshakeRequest request) {
    String token = request.query() == null ? null : param(request.query(), "access_token");
    if (token == null
        || token.isBlank()
        || token.length() > MAX_TOKEN
        || !token.matches("[A-Za-z0-9._~+/=-]+")) {
      return null;
    }
    return token;
  }

  /** The subprotocol the server chose: the first one the client offered that it supports. */
  static String subprotocol(HandshakeRequest request) {
    String offered = request.header("Sec-WebSocket-Protocol");
    if (offered != null) {
      for (String p : offered.split(",")) {
        String name = p.trim();
        if (dev.aicoder.protocol.FrameCodec.SUBPROTOCOLS.contains(name)) {
          return name;
        }
      }
    }
    return dev.aicoder.protocol.FrameCodec.JSON;
  }

  private static String param(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(
            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
