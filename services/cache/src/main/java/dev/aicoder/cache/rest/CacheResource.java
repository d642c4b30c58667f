package dev.aicoder.cache.rest;

import dev.aicoder.cache.config.CacheConfig;
import dev.aicoder.cache.config.TtlConverter;
import dev.aicoder.cache.service.CacheStats;
import dev.aicoder.cache.service.TieredCache;
import dev.aicoder.common.InternalOnly;
import dev.aicoder.common.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cache's internal API: entries by namespace and key (a TTL per entry in the {@code Cache-TTL}
 * header), batch lookups, statistics and clearing. Other services reach it through the cache-client
 * module; the gateway shows and drives statistics and clearing for admins.
 */
@InternalOnly
@Path("/cache")
public class CacheResource {

  static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:=-]{0,199}");
  static final int MAX_BATCH = 100;

  /** A batch lookup. */
  @RegisterForReflection
  public record Batch(String namespace, List<String> keys) {}

  private final TieredCache cache;
  private final CacheStats stats;
  private final CacheConfig config;

  CacheResource(TieredCache cache, CacheStats stats, CacheConfig config) {
    this.cache = cache;
    this.stats = stats;
    this.config = config;
  }

  @GET
  @Path("{namespace}/{key}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response get(@PathParam("namespace") String namespace, @PathParam("key") String key) {
    TieredCache.Hit hit = cache.get(checkNamespace(namespace), checkKey(key));
    if (hit == null) {
      throw new ProblemException(
          404, "cache-miss", "Not cached", "No entry " + namespace + "/" + key + ".");
    }
    return Response.ok(hit.value())
        .header("Cache-Tier", hit.tier())
        .header("Cache-TTL", Math.max(0, (hit.expiresAtMs() - System.currentTimeMillis()) / 1000))
        .build();
  }

  @PUT
  @Path("{namespace}/{key}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response put(
      @PathParam("namespace") String namespace,
      @PathParam("key") String key,
      @HeaderParam("Cache-TTL") String ttlHeader,
      byte[] value) {
    Duration ttl = config.ttl();
    if (ttlHeader != null) {
      try {
        ttl = TtlConverter.parse(ttlHeader, false);
      } catch (IllegalArgumentException e) {
        throw new ProblemException(400, "bad-ttl", "Bad Cache-TTL", e.getMessage());
      }
    }
    TieredCache.Written w =
        cache.put(
            checkNamespace(namespace), checkKey(key), value == null ? new byte[0] : value, ttl);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("stored", w.stored());
    body.put("degraded", w.degraded());
    if (w.reason() != null) {
      body.put("reason", w.reason());
    }
    return Response.ok(body).build();
  }

  @DELETE
  @Path("{namespace}/{key}")
  public Response delete(@PathParam("namespace") String namespace, @PathParam("key") String key) {
    cache.delete(checkNamespace(namespace), checkKey(key));
    return Response.noContent().build();
  }

  @POST
  @Path("batch")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> batch(Batch batch) {
    if (batch == null || batch.keys() == null) {
      throw new ProblemException(
          400, "bad-batch", "Bad batch", "Send {\"namespace\": \"...\", \"keys\": [\"...\"]}.");
    }
    if (batch.keys().size() > MAX_BATCH) {
      throw new ProblemException(
          400, "bad-batch", "Batch too large", "At most " + MAX_BATCH + " keys per batch.");
    }
    String namespace = checkNamespace(batch.namespace());
    Map<String, String> entries = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String key : batch.keys()) {
      TieredCache.Hit hit = cache.get(namespace, checkKey(key));
      if (hit == null) {
        missing.add(key);
      } else {
        entries.put(key, Base64.getEncoder().encodeToString(hit.value()));
      }
    }
    return Map.of("entries", entries, "missing", missing);
  }

  @GET
  @Path("stats")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> stats() {
    return stats.snapshot();
  }

  @POST
  @Path("clear")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> clear(@QueryParam("namespace") String namespace) {
    String ns = namespace == null || namespace.isEmpty() ? null : checkNamespace(namespace);
    return Map.of("cleared", cache.clear(ns), "namespace", ns == null ? "*" : ns);
  }

  private static String checkNamespace(String namespace) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new ProblemException(
          400,
          "bad-namespace",
          "Bad namespace",
          "A namespace is 1 to 40 lower-case letters, digits and '-', starting with a letter or digit.");
    }
    return namespace;
  }

  private static String checkKey(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new ProblemException(
          400,
          "bad-key",
          "Bad key",
          "A key is 1 to 200 letters, digits and . _ : = -, starting with a letter or digit.");
    }
    return key;
  }
}
