package dev.aicoder.gateway.security;

import dev.aicoder.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts the security headers ({@code aicoder.gateway.security-headers}) on every response, from one
 * route ahead of all others. Quarkus's {@code quarkus.http.header} settings do the same with a
 * route per header that checks each name and value again on every request; encoded once here, they
 * cost next to nothing, which shows on the busiest route (file reads, benchmarks/README.md).
 */
@ApplicationScoped
public class SecurityHeaders {

  private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern VALUE = Pattern.compile("[\\t\\x20-\\x7e]*");

  private final CharSequence[] names;
  private final CharSequence[] values;

  @Inject
  SecurityHeaders(GatewayConfig config) {
    this(config.securityHeaders());
  }

  SecurityHeaders(Map<String, String> headers) {
    names = new CharSequence[headers.size()];
    values = new CharSequence[headers.size()];
    int i = 0;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      // Sent without the per-request checks, so checked once here: a bad setting stops the start.
      if (!NAME.matcher(header.getKey()).matches() || !VALUE.matcher(header.getValue()).matches()) {
        throw new IllegalArgumentException(
            "aicoder.gateway.security-headers: not a valid header: " + header.getKey());
      }
      names[i] = HttpHeaders.createOptimized(header.getKey());
      values[i++] = HttpHeaders.createOptimized(header.getValue());
    }
  }

  void register(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              MultiMap headers = rc.response().headers();
              for (int i = 0; i < names.length; i++) {
                headers.set(names[i], values[i]);
              }
              rc.next();
            });
  }
}
