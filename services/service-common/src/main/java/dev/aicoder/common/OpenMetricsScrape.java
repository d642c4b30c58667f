package dev.aicoder.common;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves /q/metrics as OpenMetrics, with its exemplars (trace ids on histogram buckets), to a
 * Prometheus that can take them. Quarkus answers the 0.0.4 text format, which has no exemplars,
 * whenever the Accept header names text/plain at all, and Prometheus always lists it as a fallback.
 * Only Prometheus 2.43 and later: Micrometer also puts an exemplar on each histogram's {@code
 * _count}, and older servers (Debian 12's 2.42) then drop the whole scrape.
 */
@Singleton
public class OpenMetricsScrape {

  static final String OPENMETRICS = "application/openmetrics-text";

  /** Exactly what Quarkus's route produces: Vert.x refuses a type whose parameters differ. */
  static final String PRODUCED = OPENMETRICS + "; version=1.0.0; charset=utf-8";

  private static final Pattern PROMETHEUS = Pattern.compile("^Prometheus/(\\d+)\\.(\\d+)");

  void register(@Observes Filters filters) {
    filters.register(
        rc -> {
          if (rc.normalizedPath().equals("/q/metrics")
              && wantsExemplars(
                  rc.request().getHeader(HttpHeaders.ACCEPT),
                  rc.request().getHeader(HttpHeaders.USER_AGENT))) {
            rc.request().headers().set(HttpHeaders.ACCEPT, PRODUCED);
          }
          rc.next();
        },
        100);
  }

  /** A Prometheus 2.43+ that lists OpenMetrics first, as it does unless told otherwise. */
  static boolean wantsExemplars(String accept, String userAgent) {
    if (accept == null || !accept.stripLeading().startsWith(OPENMETRICS) || userAgent == null) {
      return false;
    }
    Matcher version = PROMETHEUS.matcher(userAgent);
    if (!version.find()) {
      return false;
    }
    int major = Integer.parseInt(version.group(1));
    return major > 2 || (major == 2 && Integer.parseInt(version.group(2)) >= 43);
  }
}
