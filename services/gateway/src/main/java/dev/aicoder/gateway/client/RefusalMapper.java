package dev.aicoder.gateway.client;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Turns a downstream 4xx into {@link Refused}; 5xx stay the REST client's own errors, and so do 401
 * and 403: a refused internal credential is the installation's fault, and relayed it would sign the
 * browser out.
 */
public class RefusalMapper implements ResponseExceptionMapper<Refused> {

  @Override
  public boolean handles(int status, MultivaluedMap<String, Object> headers) {
    return relayed(status);
  }

  /** Whether a downstream status is the caller's mistake, to pass on as it is. */
  public static boolean relayed(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 403;
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
