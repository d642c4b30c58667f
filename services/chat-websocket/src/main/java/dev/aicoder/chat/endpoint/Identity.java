package dev.aicoder.chat.endpoint;

/**
 * What the handshake says about a connection. The bearer token rides in {@code access_token} (RFC
 * 6750 section 2.3, as browsers cannot set headers on a WebSocket) and is never logged; {@link
 * dev.aicoder.chat.service.TokenCheck} verifies it.
 */
final class Identity {

  private static final int MAX_TOKEN = 4096;

  private Identity() {}

  /** The access token in a handshake's query, or null when none there could be valid. */
  static String token(String query) {
    String token = query == null ? null : param(query, "access_token");
    if (token == null
        || token.isBlank()
        || token.length() > MAX_TOKEN
        || !token.matches("[A-Za-z0-9._~+/=-]+")) {
      return null;
    }
    return token;
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
