package dev.aicoder.metrics.scrape;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A configured scrape target: a service and its metrics URL. With {@code discover}, every address
 * the URL's host resolves to (a headless Service: every ready pod) is scraped as an instance.
 */
@RegisterForReflection
public record Target(String service, URI url, boolean discover) {

  private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  /** Parses {@code service=url,...}; a bad entry throws with what is wrong, at startup. */
  public static List<Target> parseAll(String config) {
    List<Target> targets = new ArrayList<>();
    for (String entry : config.split(",")) {
      if (!entry.isBlank()) {
        targets.add(parse(entry.strip()));
      }
    }
    return targets;
  }

  static Target parse(String entry) {
    int eq = entry.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(
          "AI_CODER_METRICS_TARGETS: '" + entry + "' is not service=url");
    }
    String service = entry.substring(0, eq).strip();
    String url = entry.substring(eq + 1).strip();
    if (!SERVICE.matcher(service).matches()) {
      throw new IllegalArgumentException(
          "AI_CODER_METRICS_TARGETS: the service name '"
              + service
              + "' is not lower-case letters,"
              + " digits and '-'");
    }
    boolean discover = url.startsWith("dns+");
    URI uri;
    try {
      uri = URI.create(discover ? url.substring(4) : url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("AI_CODER_METRICS_TARGETS: bad URL '" + url + "'", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "AI_CODER_METRICS_TARGETS: '" + url + "' is not an http(s) URL with a host");
    }
    return new Target(service, uri, discover);
  }

  /** The port the URL names, or its scheme's default. */
  public int port() {
    return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }
}
