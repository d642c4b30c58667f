package dev.aicoder.gateway.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.config.LocalCaches;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the web app's pre-compressed assets: the frontend build writes {@code .br} and {@code .gz}
 * next to each asset, and a browser that accepts one gets it with {@code Content-Encoding}, without
 * the gateway compressing anything per request. Others fall through to the plain file.
 *
 * <p>Only the copies named in the build's {@code assets/precompressed.txt} are looked up, so memory
 * is bounded by the build's output: a made-up name (anyone can send unlimited ones) costs a set
 * lookup and is neither loaded nor remembered. The copies read are kept up to {@code
 * caches.precompressed-assets} bytes; past it the least used are read again when asked.
 */
@ApplicationScoped
public class PrecompressedAssets {

  private static final String ROOT = "META-INF/resources";

  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "json", "application/json",
          "ttf", "font/ttf",
          "html", "text/html; charset=utf-8");

  /** Resource paths of the compressed copies the build wrote. */
  private final Set<String> listed = listed();

  /** Bytes of the listed copies read, by resource path. */
  private final Cache<String, Buffer> cache;

  PrecompressedAssets(GatewayConfig config, LocalCaches caches) {
    this.cache =
        caches.build(
            "precompressed-assets",
            Caffeine.newBuilder()
                .maximumWeight(config.caches().precompressedAssets().asLongValue())
                .<String, Buffer>weigher((path, bytes) -> bytes.length()));
  }

  void install(@Observes Router router) {
    router.get("/assets/*").order(-50).handler(this::serve);
  }

  private void serve(RoutingContext context) {
    String path = context.normalizedPath();
    String accepted = context.request().getHeader("Accept-Encoding");
    String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
    if (accepted == null || type == null) {
      context.next();
      return;
    }
    for (String[] encoding : new String[][] {{"br", ".br"}, {"gzip", ".gz"}}) {
      String copy = path + encoding[1];
      if (accepted.contains(encoding[0]) && listed.contains(copy)) {
        context
            .response()
            .putHeader("Content-Type", type)
            .putHeader("Content-Encoding", encoding[0])
            .putHeader("Vary", "Accept-Encoding")
            .putHeader("Cache-Control", "public, max-age=31536000, immutable")
            .end(cache.get(copy, PrecompressedAssets::load));
        return;
      }
    }
    context.next();
  }

  private static Set<String> listed() {
    String manifest = read("/assets/precompressed.txt");
    if (manifest == null) {
      Log.info("No pre-compressed assets (no assets/precompressed.txt): serving them as they are");
      return Set.of();
    }
    Set<String> paths = ConcurrentHashMap.newKeySet();
    manifest.lines().filter(n -> n.matches("[\\w.-]+")).forEach(n -> paths.add("/assets/" + n));
    return Set.copyOf(paths);
  }

  private static Buffer load(String path) {
    try (InputStream in = resource(path)) {
      if (in == null) {
        throw new IllegalStateException("assets/precompressed.txt lists " + path + ", not built");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String path) {
    try (InputStream in = resource(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) {
    return Thread.currentThread().getContextClassLoader().getResourceAsStream(ROOT + path);
  }
}
