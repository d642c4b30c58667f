package dev.aicoder.cache.client;

import dev.aicoder.common.InternalCredentialHeader;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The cache service's entry routes. Uni, so {@link CacheClient} bounds each call by its own
 * configured deadline.
 */
@RegisterProvider(InternalCredentialHeader.class)
@RegisterRestClient(configKey = "cache-service")
@Path("/cache")
interface CacheApi {

  /** What a write reports: the tiers that hold it, and whether the shared tier was missed. */
  record Stored(List<String> stored, boolean degraded, String reason) {}

  record BatchRequest(String namespace, List<String> keys) {}

  /** Values come as base64 strings, which Jackson reads into byte arrays. */
  record BatchResponse(Map<String, byte[]> entries, List<String> missing) {}

  @GET
  @Path("{namespace}/{key}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  Uni<byte[]> get(@PathParam("namespace") String namespace, @PathParam("key") String key);

  @PUT
  @Path("{namespace}/{key}")
  @Consumes(MediaType.APPLICATION_OCTET_STREAM)
  @Produces(MediaType.APPLICATION_JSON)
  Uni<Stored> put(
      @PathParam("namespace") String namespace,
      @PathParam("key") String key,
      @HeaderParam("Cache-TTL") String ttlSeconds,
      byte[] value);

  @DELETE
  @Path("{namespace}/{key}")
  Uni<Void> delete(@PathParam("namespace") String namespace, @PathParam("key") String key);

  @POST
  @Path("batch")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  Uni<BatchResponse> batch(BatchRequest request);
}
