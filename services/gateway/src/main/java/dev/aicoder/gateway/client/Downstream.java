package dev.aicoder.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Calls to the cache and metrics services, each bounded in time, retried once, and cut off by a
 * circuit breaker while a service keeps failing, so a dead service costs callers milliseconds.
 */
@ApplicationScoped
public class Downstream {

  private final CacheApi cache;
  private final MetricsApi metrics;

  Downstream(@RestClient CacheApi cache, @RestClient MetricsApi metrics) {
    this.cache = cache;
    this.metrics = metrics;
  }

  @WithSpan
  @Timeout(2000)
  @Retry(maxRetries = 1, delay = 100, abortOn = jakarta.ws.rs.WebApplicationException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  public JsonNode cacheStats() {
    return cache.stats();
  }

  /** Not retried: a clear that timed out may have happened. */
  @WithSpan
  @Timeout(5000)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  public JsonNode clearCache(String namespace) {
    return cache.clear(namespace);
  }

  @WithSpan
  @Timeout(2000)
  @Retry(maxRetries = 1, delay = 100, abortOn = jakarta.ws.rs.WebApplicationException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  public JsonNode performance() {
    return metrics.performance();
  }
}
