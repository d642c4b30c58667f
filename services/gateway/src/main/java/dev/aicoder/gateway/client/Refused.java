package dev.aicoder.gateway.client;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.ResponseBuilder;

/**
 * A downstream service refused a request with a 4xx (a bad query, a report too large, over its
 * budget): the caller's mistake, relayed to the browser as it was sent, never retried, and not a
 * failure for the circuit breaker.
 */
public class Refused extends RuntimeException {

  private final int status;
  private final String contentType;
  private final String body;
  private final String retryAfter;

  Refused(int status, String contentType, String body, String retryAfter) {
    super("HTTP " + status, null, false, false);
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** The same answer for the browser: status, body, type and Retry-After. */
  public Response toResponse() {
    ResponseBuilder builder = Response.status(status).entity(body);
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    if (retryAfter != null) {
      builder.header("Retry-After", retryAfter);
    }
    return builder.build();
  }
}
