package dev.aicoder.common;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error that leaves a REST resource into problem JSON, never a stack trace. */
public class ProblemMapper {

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    return ProblemException.of(e).toResponse();
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e) {
    return e.toResponse();
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    return ProblemException.of(e).toResponse();
  }
}
