package dev.aicoder.common;

import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The shared credential of calls between AI-Coder services ({@code AI_CODER_INTERNAL_TOKEN}), sent
 * in the {@value #HEADER} header. On the server side it guards every {@link InternalOnly} resource:
 * with a token configured, the header must carry it; without one, only callers on the loopback are
 * served, so an internal service reached over the network refuses until it is given a token.
 * Callers add it with {@link InternalCredentialHeader}.
 */
@Provider
@InternalOnly
@Priority(Priorities.AUTHENTICATION)
public class InternalCredential implements ContainerRequestFilter {

  /** The request header that carries the credential. */
  public static final String HEADER = "X-AI-Coder-Internal";

  private final Optional<byte[]> token = configured().map(t -> t.getBytes(StandardCharsets.UTF_8));
  private final HttpServerRequest request;

  InternalCredential(HttpServerRequest request) {
    this.request = request;
  }

  /** The configured credential, if any. */
  static Optional<String> configured() {
    return ConfigProvider.getConfig()
        .getOptionalValue("aicoder.internal-token", String.class)
        .filter(t -> !t.isBlank());
  }

  @Override
  public void filter(ContainerRequestContext context) {
    if (token.isPresent()) {
      String sent = context.getHeaderString(HEADER);
      if (sent == null
          || !MessageDigest.isEqual(token.get(), sent.getBytes(StandardCharsets.UTF_8))) {
        Log.warnf("Refused an internal call without the internal credential from %s", peer());
        throw new ProblemException(
            401,
            "internal-credential-required",
            "Unauthorized",
            "This is an internal AI-Coder route: send the " + HEADER + " credential.");
      }
    } else if (!fromLoopback()) {
      Log.warnf("Refused an internal call from %s: no AI_CODER_INTERNAL_TOKEN is set", peer());
      throw new ProblemException(
          403,
          "internal-credential-not-configured",
          "Forbidden",
          "This internal route answers only local callers until AI_CODER_INTERNAL_TOKEN is set.");
    }
  }

  private boolean fromLoopback() {
    SocketAddress peer = request.remoteAddress();
    try {
      return peer != null
          && peer.host() != null
          && InetAddress.getByName(peer.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private String peer() {
    return String.valueOf(request.remoteAddress());
  }
}
