package dev.aicoder.auth;

import java.util.Set;

/**
 * What a verified access token says.
 *
 * @param user the user name, which is also the user's id
 * @param tokenId the token's {@code jti}, the handle for revoking it
 * @param roles {@code admin} and/or {@code member}
 */
public record TokenClaims(String user, String tokenId, Set<String> roles, long expiresAtMs) {

  public boolean isAdmin() {
    return roles.contains("admin");
  }
}
