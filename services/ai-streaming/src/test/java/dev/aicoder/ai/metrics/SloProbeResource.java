package dev.aicoder.ai.metrics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * An application route for the test: ai-streaming serves none, and /q/* is neither timed nor
 * traced.
 */
@Path("/slo-probe")
public class SloProbeResource {

  @GET
  public String probe() {
    return "ok";
  }
}
