package dev.aicoder.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.common.InternalCredentialHeader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The metrics service's REST API (services/metrics/README.md). Query parameters go as the browser
 * sent them: the metrics service checks them, and its 400 reaches the browser ({@link Refused}).
 * The live stream is proxied by {@code PerformanceLiveRoute}, not through this client.
 */
@RegisterProvider(InternalCredentialHeader.class)
@RegisterProvider(RefusalMapper.class)
@RegisterRestClient(configKey = "metrics")
@Path("/api")
interface MetricsApi {

  @GET
  @Path("performance")
  JsonNode performance();

  @GET
  @Path("performance/history")
  JsonNode history(
      @QueryParam("figure") String figure,
      @QueryParam("service") String service,
      @QueryParam("instance") String instance,
      @QueryParam("range") String range,
      @QueryParam("step") String step);

  @GET
  @Path("performance/alerts")
  JsonNode alerts(@QueryParam("limit") String limit);

  @POST
  @Path("performance/browser")
  @Consumes(MediaType.APPLICATION_JSON)
  Response browser(byte[] report);
}
