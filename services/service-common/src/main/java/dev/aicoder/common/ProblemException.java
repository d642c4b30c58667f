package dev.aicoder.common;

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

  public Problem problem() {
    return problem;
  }

  /** The response this problem is answered with. */
  public Response toResponse() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.putAll(extensions);
    Response.ResponseBuilder builder =
        Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body);
    headers.forEach(builder::header);
    return builder.build();
  }
}
