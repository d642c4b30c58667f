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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Routes answered by the cache and metrics services; a clear 503 when one is down. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {

  /** The cache service's namespace rule, checked here so a typo is a 400, not a 503. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

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
  @Operation(summary = "Empty the cache, or one namespace of it (admin only)")
  public JsonNode clearCache(@QueryParam("namespace") String namespace) {
    caller.requireAdmin();
    String ns = namespace == null || namespace.isEmpty() ? null : namespace;
    if (ns != null && !NAMESPACE.matcher(ns).matches()) {
      throw new ProblemException(
          400,
          "bad-namespace",
          "Bad namespace",
          "A cache namespace is 1 to 40 lower-case letters, digits and '-'.");
    }
    Log.infof("%s clears %s", caller.user(), ns == null ? "the cache" : "cache namespace " + ns);
    return call("cache", () -> downstream.clearCache(ns));
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
