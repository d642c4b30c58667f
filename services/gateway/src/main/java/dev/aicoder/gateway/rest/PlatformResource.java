package dev.aicoder.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.client.Downstream;
import dev.aicoder.gateway.security.Caller;
import io.quarkus.logging.Log;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Routes answered by the cache and metrics services; a clear 503 when one is down. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {

  private final Downstream downstream;
  private final Caller caller;

  PlatformResource(Downstream downstream, Caller caller) {
    this.downstream = downstream;
    this.caller = caller;
  }

  @GET
  @Path("performance")
  @Operation(summary = "Performance figures from the metrics service")
  public JsonNode performance() {
    return call("metrics", downstream::performance);
  }

  @GET
  @Path("cache/stats")
  @Operation(summary = "Cache statistics from the cache service")
  public JsonNode cacheStats() {
    return call("cache", downstream::cacheStats);
  }

  @POST
  @Path("cache/clear")
  @Operation(summary = "Empty the cache (admin only)")
  public JsonNode clearCache() {
    caller.requireAdmin();
    Log.infof("%s clears the cache", caller.user());
    return call("cache", downstream::clearCache);
  }

  private static JsonNode call(String service, Supplier<JsonNode> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      Log.warnf("The %s service did not answer: %s", service, e.toString());
      throw new ProblemException(
              503,
              service + "-unavailable",
              "Service Unavailable",
              "The " + service + " service is not answering; try again shortly.")
          .header("Retry-After", "5");
    }
  }
}
