package dev.aicoder.gateway.rest;

import dev.aicoder.gateway.StatusReport;
import dev.aicoder.gateway.service.StatusService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Health of the gateway and of the whole product. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

  private final StatusService status;

  StatusResource(StatusService status) {
    this.status = status;
  }

  @GET
  @Path("health")
  @Operation(summary = "Liveness of the gateway itself")
  public Map<String, String> health() {
    return Map.of("status", "UP");
  }

  @GET
  @Path("api/status")
  @Operation(summary = "Every service and Redis: status, version and response time")
  public CompletionStage<StatusReport> status() {
    return status.check();
  }
}
