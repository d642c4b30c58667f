package dev.aicoder.ai.client;

import dev.aicoder.common.InternalCredentialHeader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The gateway's internal routes (it owns the workspace files). */
@RegisterProvider(InternalCredentialHeader.class)
@RegisterRestClient(configKey = "gateway")
@Path("/internal/workspaces")
interface GatewayApi {

  @GET
  @Path("{id}/context")
  ContextFile context(
      @PathParam("id") String workspaceId,
      @QueryParam("path") String path,
      @QueryParam("user") String user,
      @QueryParam("max") int maxChars);
}
