package dev.aicoder.cache.rest;

import dev.aicoder.common.InternalOnly;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Statistics and clearing of the cache's Redis tier ({@code aicoder:cache:*}). The memory and file
 * tiers are not built yet, so they report nothing.
 */
@InternalOnly
@Path("/api/cache")
@Produces(MediaType.APPLICATION_JSON)
public class CacheResource {

  static final String PATTERN = "aicoder:cache:*";

  private final RedisDataSource redis;

  CacheResource(RedisDataSource redis) {
    this.redis = redis;
  }

  @GET
  @Path("stats")
  public Map<String, Object> stats() {
    return Map.of("tiers", Map.of("redis", Map.of("entries", keys().size())));
  }

  @POST
  @Path("clear")
  public Map<String, Object> clear() {
    List<String> keys = keys();
    for (int i = 0; i < keys.size(); i += 500) {
      redis.key().unlink(keys.subList(i, Math.min(keys.size(), i + 500)).toArray(String[]::new));
    }
    Log.infof("Cleared %d cache entries", keys.size());
    return Map.of("cleared", keys.size());
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    redis.key().scan(new KeyScanArgs().match(PATTERN).count(1000)).toIterable().forEach(keys::add);
    return keys;
  }
}
