package dev.aicoder.gateway.rest;

import dev.aicoder.gateway.StatusReport;
import dev.aicoder.gateway.service.StatusService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Health of the whole product. The class path is the full route: JAX-RS matches the most specific
 * class path first, so a method under a class at {@code /} would be shadowed by classes at {@code
 * /api}.
 */
@Path("/api/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

  private final StatusService status;

  StatusResource(StatusService status) {
    this.status = status;
  }

  @GET
  @Operation(summary = "Every service and Redis: status, version and response time")
  public CompletionStage<StatusReport> status() {
    return status.check();
  }
}
