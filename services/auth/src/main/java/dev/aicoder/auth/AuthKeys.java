package dev.aicoder.auth;

/**
 * Redis keys of the authentication state that the gateway writes and chat-websocket reads: the
 * signing key, signed-out tokens and team membership.
 */
public final class AuthKeys {

  /**
   * Hash holding the token signing key: {@code id}, {@code private} (gateway only reads it), {@code
   * public} and {@code createdAt}. Written once with HSETNX semantics so replicas agree on one key.
   */
  public static final String SIGNING_KEY = "aicoder:auth:signing-key";

  private AuthKeys() {}

  /** Present (with a TTL until the token would expire anyway) once a token is signed out. */
  public static String revoked(String tokenId) {
    return "aicoder:auth:revoked:" + tokenId;
  }

  /** Set of a team's user names (teammates may watch the conversations shared with the team). */
  public static String teamMembers(String teamId) {
    return "aicoder:team:" + teamId + ":members";
  }
}
