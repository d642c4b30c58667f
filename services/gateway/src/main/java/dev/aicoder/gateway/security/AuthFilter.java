package dev.aicoder.gateway.security;

import dev.aicoder.common.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every JAX-RS request passes the {@link Authenticator}; what it decides is available to resources
 * through {@link Caller}.
 */
public class AuthFilter {

  private final Authenticator authenticator;
  private final Caller caller;

  AuthFilter(Authenticator authenticator, Caller caller) {
    this.authenticator = authenticator;
    this.caller = caller;
  }

  @ServerRequestFilter
  public Uni<Response> authenticate(HttpServerRequest request) {
    String ip = clientAddress(request);
    caller.set(null, ip); // known even when the gate cannot reach Redis
    return authenticator
        .admit(request.path(), ip, request.getHeader(HttpHeaders.AUTHORIZATION))
        .map(
            claims -> {
              caller.set(claims, ip);
              return (Response) null;
            })
        .onFailure(ProblemException.class)
        .recoverWithItem(e -> ((ProblemException) e).toResponse());
  }

  /** The client's address (the proxy's, unless forwarded headers are trusted). */
  public static String clientAddress(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
