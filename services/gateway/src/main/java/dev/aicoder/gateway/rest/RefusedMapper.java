package dev.aicoder.gateway.rest;

import dev.aicoder.gateway.client.Refused;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A downstream service's 4xx reaches the browser as it was sent (its RFC 9457 problem). */
public class RefusedMapper {

  @ServerExceptionMapper
  public Response refused(Refused e) {
    return e.toResponse();
  }
}
