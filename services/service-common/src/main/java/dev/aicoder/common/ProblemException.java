package dev.aicoder.common;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error with a stable problem type, answered as RFC 9457 problem JSON, optionally with extension
 * members (such as the current version of a file after a conflict) and response headers.
 */
public class ProblemException extends RuntimeException {

  private final Problem problem;
  private final Map<String, Object> extensions = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();

  public ProblemException(int status, String slug, String title, String detail) {
    // An expected answer, not a bug: no stack trace to capture (it is never logged).
    super(detail, null, false, false);
    this.problem = Problem.of(slug, title, status, detail);
  }

  /** Adds an extension member to the problem document. */
  public ProblemException with(String name, Object value) {
    extensions.put(name, value);
    return this;
  }

  /** Adds a response header. */
  public ProblemException header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /**
   * Any error as a problem: a problem as it is, a JAX-RS exception with its status and headers,
   * anything else as a 500 whose details go to the log only.
   */
  public static ProblemException of(Throwable e) {
    if (e instanceof ProblemException problem) {
      return problem;
    }
    if (e instanceof WebApplicationException web) {
      Response original = web.getResponse();
      int status = original.getStatus();
      Response.StatusType info = Response.Status.fromStatusCode(status);
      String title = info != null ? info.getReasonPhrase() : "HTTP " + status;
      String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
      ProblemException problem = new ProblemException(status, slug, title, e.getMessage());
      original
          .getStringHeaders()
          .forEach(
              (name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !values.isEmpty()) {
                  problem.header(name, values.get(0));
                }
              });
      return problem;
    }
    if (causedBy(e, java.net.ConnectException.class)
        || causedBy(e, java.net.NoRouteToHostException.class)) {
      Log.warnf("A backing service cannot be reached: %s", e.getMessage());
      return new ProblemException(
              503,
              "service-unavailable",
              "Service Unavailable",
              "A service this request needs cannot be reached; try again shortly.")
          .header("Retry-After", "5");
    }
    Log.error("Unexpected error while handling a request", e);
    return new ProblemException(
        500,
        "internal-error",
        "Internal Server Error",
        "The server failed to handle the request; the log has the details.");
  }

  /** Whether {@code type} is the error or one of its causes. */
  public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  public Problem problem() {
    return problem;
  }

  /** The problem document: the standard members, then the extensions. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.putAll(extensions);
    return body;
  }

  /** The response headers that go with the problem. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The response this problem is answered with. */
  public Response toResponse() {
    Response.ResponseBuilder builder =
        Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body());
    headers.forEach(builder::header);
    return builder.build();
  }
}
