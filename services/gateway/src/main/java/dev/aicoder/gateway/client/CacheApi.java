package dev.aicoder.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.common.InternalCredentialHeader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The cache service's REST API. */
@RegisterProvider(InternalCredentialHeader.class)
@RegisterRestClient(configKey = "cache")
@Path("/cache")
interface CacheApi {

  @GET
  @Path("stats")
  JsonNode stats();

  @POST
  @Path("clear")
  JsonNode clear(@QueryParam("namespace") String namespace);
}
