package dev.aicoder.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the web app's pre-compressed assets: the frontend build writes {@code .br} and {@code .gz}
 * next to each asset, and a browser that accepts one gets it with {@code Content-Encoding}, without
 * the gateway compressing anything per request. Others fall through to the plain file.
 */
@ApplicationScoped
public class PrecompressedAssets {

  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "json", "application/json",
          "ttf", "font/ttf",
          "html", "text/html; charset=utf-8");

  /** Asset bytes by resource path; an empty Optional remembers that there is none. */
  private final Map<String, Optional<Buffer>> cache = new ConcurrentHashMap<>();

  void install(@Observes Router router) {
    router.get("/assets/*").order(-50).handler(this::serve);
  }

  private void serve(RoutingContext context) {
    String path = context.normalizedPath();
    String accepted = context.request().getHeader("Accept-Encoding");
    String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
    if (accepted == null || type == null || path.contains("..")) {
      context.next();
      return;
    }
    for (String[] encoding : new String[][] {{"br", ".br"}, {"gzip", ".gz"}}) {
      if (accepted.contains(encoding[0])) {
        Optional<Buffer> bytes =
            cache.computeIfAbsent(path + encoding[1], PrecompressedAssets::load);
        if (bytes.isPresent()) {
          context
              .response()
              .putHeader("Content-Type", type)
              .putHeader("Content-Encoding", encoding[0])
              .putHeader("Vary", "Accept-Encoding")
              .putHeader("Cache-Control", "public, max-age=31536000, immutable")
              .end(bytes.get());
          return;
        }
      }
    }
    context.next();
  }

  private static Optional<Buffer> load(String path) {
    try (InputStream in =
        Thread.currentThread()
            .getContextClassLoader()
            .getResourceAsStream("META-INF/resources" + path)) {
      return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
