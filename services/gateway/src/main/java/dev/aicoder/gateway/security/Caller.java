package dev.aicoder.gateway.security;

import dev.aicoder.auth.TokenClaims;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;

/** Who made the current request, filled in by {@link AuthFilter}. */
@RequestScoped
public class Caller {

  private TokenClaims claims;
  private String ip;

  void set(TokenClaims claims, String ip) {
    this.claims = claims;
    this.ip = ip;
  }

  /** The verified token of the request; there always is one on a non-public route. */
  public TokenClaims claims() {
    if (claims == null) {
      throw new NotAuthorizedException("Sign in first.", "Bearer");
    }
    return claims;
  }

  public String user() {
    return claims().user();
  }

  public boolean isAdmin() {
    return claims().isAdmin();
  }

  /** Whether the caller may read the performance figures: an admin or a team lead. */
  public static boolean readsPerformance(TokenClaims claims) {
    return claims.isAdmin() || claims.roles().contains("lead");
  }

  /** Refuses the request unless the caller is an admin or a team lead. */
  public void requirePerformanceReader() {
    if (!readsPerformance(claims())) {
      throw new ForbiddenException("Only an admin or a team lead may see the performance figures.");
    }
  }

  /** The client's address (the proxy's, unless forwarded headers are trusted). */
  public String ip() {
    return ip;
  }

  /** Refuses the request unless the caller is an admin. */
  public void requireAdmin() {
    if (!isAdmin()) {
      throw new ForbiddenException("Only an admin may do this.");
    }
  }
}
