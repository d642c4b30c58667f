package dev.aicoder.common;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.Optional;

/**
 * Adds the internal credential to a REST client's calls; register it with {@code @RegisterProvider}
 * on clients of other AI-Coder services only, never on one that leaves the installation.
 */
public class InternalCredentialHeader implements ClientRequestFilter {

  private final Optional<String> token = InternalCredential.configured();

  @Override
  public void filter(ClientRequestContext context) {
    token.ifPresent(t -> context.getHeaders().putSingle(InternalCredential.HEADER, t));
  }
}
