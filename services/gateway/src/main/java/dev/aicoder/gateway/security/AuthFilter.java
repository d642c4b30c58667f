package dev.aicoder.gateway.security;

import dev.aicoder.common.InternalOnly;
import dev.aicoder.common.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every JAX-RS request passes the {@link Authenticator}; what it decides is available to resources
 * through {@link Caller}. The one exception are {@link InternalOnly} resources: other services call
 * them with the internal credential (checked by {@code InternalCredential}), not a user's token.
 */
public class AuthFilter {

  private final Authenticator authenticator;
  private final Caller caller;

  AuthFilter(Authenticator authenticator, Caller caller) {
    this.authenticator = authenticator;
    this.caller = caller;
  }

  @ServerRequestFilter
  public Uni<Response> authenticate(HttpServerRequest request, ResourceInfo resource) {
    if (isInternal(resource)) {
      return Uni.createFrom().nullItem();
    }
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

  /** Whether the matched resource is guarded by the internal credential instead of a token. */
  private static boolean isInternal(ResourceInfo resource) {
    return resource != null
        && resource.getResourceClass() != null
        && (resource.getResourceClass().isAnnotationPresent(InternalOnly.class)
            || (resource.getResourceMethod() != null
                && resource.getResourceMethod().isAnnotationPresent(InternalOnly.class)));
  }

  /** The client's address (the proxy's, unless forwarded headers are trusted). */
  public static String clientAddress(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
