package dev.aicoder.common;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Serves /q/metrics as OpenMetrics, with its exemplars (trace ids on histogram buckets), to a
 * scraper that prefers it. Quarkus answers the 0.0.4 text format, which has no exemplars, whenever
 * the Accept header names text/plain at all, and Prometheus always lists it as a fallback.
 */
@Singleton
public class OpenMetricsScrape {

  static final String OPENMETRICS = "application/openmetrics-text";

  /** Exactly what Quarkus's route produces: Vert.x refuses a type whose parameters differ. */
  static final String PRODUCED = OPENMETRICS + "; version=1.0.0; charset=utf-8";

  void register(@Observes Filters filters) {
    filters.register(
        rc -> {
          String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
          if (rc.normalizedPath().equals("/q/metrics") && prefersOpenMetrics(accept)) {
            rc.request().headers().set(HttpHeaders.ACCEPT, PRODUCED);
          }
          rc.next();
        },
        100);
  }

  /** Whether the first media type of the header is OpenMetrics (Prometheus lists it first). */
  static boolean prefersOpenMetrics(String accept) {
    return accept != null && accept.stripLeading().startsWith(OPENMETRICS);
  }
}
