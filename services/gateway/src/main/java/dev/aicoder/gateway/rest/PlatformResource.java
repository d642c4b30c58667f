package dev.aicoder.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.client.Downstream;
import dev.aicoder.gateway.client.Refused;
import dev.aicoder.gateway.security.Caller;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Routes answered by the cache and metrics services; a clear 503 when one is down. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {

  /** The cache service's namespace rule, checked here so a typo is a 400, not a 503. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  /** The metrics service's limit on one browser report (services/metrics/README.md). */
  static final int MAX_BROWSER_REPORT = 8192;

  private final Downstream downstream;
  private final Caller caller;

  PlatformResource(Downstream downstream, Caller caller) {
    this.downstream = downstream;
    this.caller = caller;
  }

  @GET
  @Path("performance")
  @Operation(summary = "Performance figures from the metrics service (admins and team leads)")
  public JsonNode performance() {
    caller.requirePerformanceReader();
    return call("metrics", downstream::performance);
  }

  @GET
  @Path("performance/history")
  @Operation(
      summary =
          "One figure's history with its trend, per instance (admins and team leads); range and"
              + " step are durations such as 90s, 15m, 1h")
  public JsonNode performanceHistory(
      @QueryParam("figure") String figure,
      @QueryParam("service") String service,
      @QueryParam("instance") String instance,
      @QueryParam("range") String range,
      @QueryParam("step") String step) {
    caller.requirePerformanceReader();
    return call(
        "metrics", () -> downstream.performanceHistory(figure, service, instance, range, step));
  }

  @GET
  @Path("performance/alerts")
  @Operation(summary = "Active alerts and their history (admins and team leads)")
  public JsonNode performanceAlerts(@QueryParam("limit") String limit) {
    caller.requirePerformanceReader();
    return call("metrics", () -> downstream.performanceAlerts(limit));
  }

  @POST
  @Path("performance/browser")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary =
          "The web app's own numbers (Web Vitals, long tasks, render times, memory); any signed-in"
              + " user; at most 8 KB")
  public Response browserReport(
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
    caller.claims();
    // Refused here, before it is read or forwarded; a chunked body is read only up to the limit.
    if (length != null && length > MAX_BROWSER_REPORT) {
      throw reportTooLarge();
    }
    byte[] report = body.readNBytes(MAX_BROWSER_REPORT + 1);
    if (report.length > MAX_BROWSER_REPORT) {
      throw reportTooLarge();
    }
    return call("metrics", () -> downstream.browserReport(report));
  }

  private static ProblemException reportTooLarge() {
    return new ProblemException(
        413,
        "report-too-large",
        "Content Too Large",
        "A browser report is at most " + MAX_BROWSER_REPORT + " bytes.");
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

  private static <T> T call(String service, Supplier<T> call) {
    try {
      return call.get();
    } catch (Refused e) {
      throw e; // the service's own 4xx, relayed as it is (RefusedMapper)
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
