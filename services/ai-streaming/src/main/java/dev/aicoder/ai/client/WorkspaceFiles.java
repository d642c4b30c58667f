package dev.aicoder.ai.client;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads workspace files through the gateway, as the user a prompt came from: the gateway owns the
 * workspace volume and checks that the user may read the file. Each read is bounded in time,
 * retried once when the gateway could not be reached, and cut off by a circuit breaker while the
 * gateway keeps failing, so a dead gateway costs a turn milliseconds, not seconds per file.
 */
@ApplicationScoped
public class WorkspaceFiles {

  private final GatewayApi gateway;

  WorkspaceFiles(@RestClient GatewayApi gateway) {
    this.gateway = gateway;
  }

  /**
   * At most {@code maxChars} characters of one file. A {@link WebApplicationException} carries the
   * gateway's answer (404: no such file, or not in a workspace the user can open); an answer is not
   * a failure of the gateway, so it neither retries nor opens the breaker.
   */
  @WithSpan
  @Timeout(2000)
  @Retry(
      maxRetries = 1,
      delay = 100,
      abortOn = {WebApplicationException.class, TimeoutException.class})
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = WebApplicationException.class)
  public ContextFile read(String workspaceId, String path, String user, int maxChars) {
    return gateway.context(workspaceId, path, user, maxChars);
  }
}
