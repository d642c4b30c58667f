package dev.aicoder.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
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
  @Retry(
      maxRetries = 1,
      delay = 100,
      abortOn = {jakarta.ws.rs.WebApplicationException.class, Refused.class})
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = Refused.class)
  public JsonNode performance() {
    return metrics.performance();
  }

  /** A refused query ({@link Refused}) is the caller's mistake: not retried, not a failure. */
  @WithSpan
  @Timeout(4000)
  @Retry(
      maxRetries = 1,
      delay = 100,
      abortOn = {jakarta.ws.rs.WebApplicationException.class, Refused.class})
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = Refused.class)
  public JsonNode performanceHistory(
      String figure, String service, String instance, String range, String step) {
    return metrics.history(figure, service, instance, range, step);
  }

  @WithSpan
  @Timeout(2000)
  @Retry(
      maxRetries = 1,
      delay = 100,
      abortOn = {jakarta.ws.rs.WebApplicationException.class, Refused.class})
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = Refused.class)
  public JsonNode performanceAlerts(String limit) {
    return metrics.alerts(limit);
  }

  /**
   * Not retried: the browser's numbers are samples, and a report that timed out may have counted.
   * The metrics service's answer (202) is relayed with its body.
   */
  @WithSpan
  @Timeout(2000)
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = Refused.class)
  public Response browserReport(byte[] report) {
    try (Response answer = metrics.browser(report)) {
      Response.ResponseBuilder relayed = Response.status(answer.getStatus());
      if (answer.hasEntity()) {
        relayed.type(answer.getMediaType()).entity(answer.readEntity(String.class));
      }
      return relayed.build();
    }
  }
}
