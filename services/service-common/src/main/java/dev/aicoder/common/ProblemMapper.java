package dev.aicoder.common;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error that leaves a REST resource into problem JSON, never a stack trace. */
public class ProblemMapper {

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original.getStatus();
    Response.StatusType info = Response.Status.fromStatusCode(status);
    String title = info != null ? info.getReasonPhrase() : "HTTP " + status;
    String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    return respond(Problem.of(slug, title, status, e.getMessage()), original);
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e) {
    return e.toResponse();
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    Log.error("Unexpected error while handling a request", e);
    return respond(
        Problem.of(
            "internal-error",
            "Internal Server Error",
            500,
            "The server failed to handle the request; the log has the details."),
        null);
  }

  static Response respond(Problem problem, Response original) {
    Response.ResponseBuilder builder =
        Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    if (original != null) {
      original.getHeaders().forEach((k, v) -> v.forEach(value -> builder.header(k, value)));
      builder.type(Problem.MEDIA_TYPE);
    }
    return builder.build();
  }
}
