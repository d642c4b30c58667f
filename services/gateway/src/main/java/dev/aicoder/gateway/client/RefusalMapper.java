package dev.aicoder.gateway.client;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/** Turns a downstream 4xx into {@link Refused}; 5xx stay the REST client's own errors. */
public class RefusalMapper implements ResponseExceptionMapper<Refused> {

  @Override
  public boolean handles(int status, MultivaluedMap<String, Object> headers) {
    return status >= 400 && status < 500;
  }

  @Override
  public Refused toThrowable(Response response) {
    String body = response.hasEntity() ? response.readEntity(String.class) : "";
    return new Refused(
        response.getStatus(),
        response.getHeaderString(HttpHeaders.CONTENT_TYPE),
        body,
        response.getHeaderString("Retry-After"));
  }
}
