package dev.aicoder.cache.client;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The cache service for other services: each call bounded by its deadline, cut off by a circuit
 * breaker while the service keeps failing, and answered from a bounded {@link LocalCopy} of this
 * process's own writes when the service fails, so a dead cache costs callers a few milliseconds and
 * never an error. A 404 is a miss, not a failure; another 4xx (a bad key, a value too large) is the
 * caller's mistake and neither opens the breaker nor falls back, except 401 and 403. Blocking: call
 * it from worker threads.
 *
 * <p>The deadlines come from {@link CacheClientConfig} and are applied to each call rather than by
 * {@code @Timeout}, whose value cannot come from a {@code @ConfigMapping}. Reads and writes are not
 * retried: the local copy answers at once, and a retry would double what a dead service costs.
 */
@ApplicationScoped
public class CacheClient {

  /** Each method's circuit breaker, as {@code CircuitBreakerMaintenance} names it. */
  public static final String GET = "cache-client-get";

  public static final String PUT = "cache-client-put";
  public static final String DELETE = "cache-client-delete";
  public static final String GET_ALL = "cache-client-get-all";

  /** The most keys one batch read sends; the service refuses more. */
  static final int BATCH = 100;

  private final CacheApi api;
  private final CacheClientConfig config;
  private final LocalCopy local;
  private final AtomicBoolean failing = new AtomicBoolean();

  CacheClient(@RestClient CacheApi api, CacheClientConfig config) {
    this.api = api;
    this.config = config;
    this.local = new LocalCopy(config.fallbackMaxBytes(), config.fallbackTtl());
  }

  /** The value, or empty on a miss. */
  @WithSpan
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(GET)
  @Fallback(fallbackMethod = "getLocally")
  public Optional<byte[]> get(String namespace, String key) {
    try {
      byte[] value = api.get(namespace, key).await().atMost(config.getTimeout());
      recovered();
      return Optional.of(value);
    } catch (WebApplicationException e) {
      if (refused(e, namespace, key)) {
        if (e.getResponse().getStatus() == 404) {
          local.remove(namespace, key); // gone from the shared cache: expired, deleted or cleared
        }
        return Optional.empty();
      }
      throw failed(e);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  Optional<byte[]> getLocally(String namespace, String key) {
    fellBack();
    return local.get(namespace, key);
  }

  /**
   * Stores the value for {@code ttl} (null: the cache service's default); true when the service
   * stored it in its shared tier, false when only this process (or only the service's own replica,
   * Redis being down) holds it.
   */
  @WithSpan
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(PUT)
  @Fallback(fallbackMethod = "putLocally")
  public boolean put(String namespace, String key, byte[] value, Duration ttl) {
    local.put(namespace, key, value, ttl);
    String seconds = ttl == null ? null : Long.toString(Math.max(1, ttl.toSeconds()));
    try {
      CacheApi.Stored stored =
          api.put(namespace, key, seconds, value).await().atMost(config.putTimeout());
      recovered();
      return !stored.degraded();
    } catch (WebApplicationException e) {
      if (refused(e, namespace, key)) {
        return false;
      }
      throw failed(e);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  boolean putLocally(String namespace, String key, byte[] value, Duration ttl) {
    fellBack();
    return false;
  }

  /** Removes the entry; retried once, since a stale entry left behind would be served. */
  @WithSpan
  @Retry(maxRetries = 1, delay = 50, abortOn = WebApplicationException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(DELETE)
  @Fallback(fallbackMethod = "deleteLocally")
  public void delete(String namespace, String key) {
    local.remove(namespace, key);
    try {
      api.delete(namespace, key).await().atMost(config.putTimeout());
      recovered();
    } catch (WebApplicationException e) {
      if (!refused(e, namespace, key)) {
        throw failed(e);
      }
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  void deleteLocally(String namespace, String key) {
    fellBack();
  }

  /** The values found among {@code keys}; a missing key is absent from the map. */
  @WithSpan
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(GET_ALL)
  @Fallback(fallbackMethod = "getAllLocally")
  public Map<String, byte[]> getAll(String namespace, Collection<String> keys) {
    List<String> all = List.copyOf(keys);
    Map<String, byte[]> found = new HashMap<>();
    try {
      for (int i = 0; i < all.size(); i += BATCH) {
        CacheApi.BatchResponse response =
            api.batch(
                    new CacheApi.BatchRequest(
                        namespace, all.subList(i, Math.min(all.size(), i + BATCH))))
                .await()
                .atMost(config.getTimeout());
        if (response.entries() != null) {
          found.putAll(response.entries());
        }
      }
      recovered();
      return found;
    } catch (WebApplicationException e) {
      if (refused(e, namespace, String.valueOf(keys))) {
        return Map.of();
      }
      throw failed(e);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  Map<String, byte[]> getAllLocally(String namespace, Collection<String> keys) {
    fellBack();
    return local.getAll(namespace, keys);
  }

  /**
   * Whether the service refused this one request (a miss, a bad key, a value too large), which is
   * not a failure of the service. A 5xx is one, and so are 401 and 403: a missing or wrong internal
   * credential makes the service useless to this caller, and an operator must hear of it.
   */
  private static boolean refused(WebApplicationException e, String namespace, String key) {
    int status = e.getResponse().getStatus();
    if (status >= 500 || status == 401 || status == 403) {
      return false;
    }
    if (status != 404) {
      Log.debugf("The cache service refused %s/%s: HTTP %d", namespace, key, status);
    }
    return true;
  }

  private RuntimeException failed(RuntimeException e) {
    if (failing.compareAndSet(false, true)) {
      Log.warnf(
          "The cache service at %s failed (%s); answering from this process's local copy until it"
              + " is back",
          config.url(), e.toString());
    } else {
      Log.debugf("The cache service failed again: %s", e);
    }
    return e;
  }

  private void fellBack() {
    // Also reached while the breaker is open, without a call: the outage was logged when it began.
    failing.compareAndSet(false, true);
  }

  private void recovered() {
    if (failing.compareAndSet(true, false)) {
      Log.infof("The cache service at %s answers again", config.url());
    }
  }
}
