package dev.aicoder.gateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Liveness of the gateway itself. */
@Path("/health")
public class HealthResource {

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Liveness of the gateway itself")
  public Map<String, String> health() {
    return Map.of("status", "UP");
  }
}
