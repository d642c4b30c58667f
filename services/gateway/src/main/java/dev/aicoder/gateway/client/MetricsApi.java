package dev.aicoder.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.common.InternalCredentialHeader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The metrics service's REST API. */
@RegisterProvider(InternalCredentialHeader.class)
@RegisterRestClient(configKey = "metrics")
@Path("/api")
interface MetricsApi {

  @GET
  @Path("performance")
  JsonNode performance();
}
