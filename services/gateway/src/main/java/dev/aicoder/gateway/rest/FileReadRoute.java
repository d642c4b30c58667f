package dev.aicoder.gateway.rest;

import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.Problem;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.AuthFilter;
import dev.aicoder.gateway.security.Authenticator;
import dev.aicoder.gateway.service.FileCache;
import dev.aicoder.gateway.service.FileCache.Cached;
import dev.aicoder.gateway.service.WorkspaceFiles;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import dev.aicoder.gateway.service.WorkspaceStore;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/workspaces/{id}/file}: reads a file with its ETag; binary files are flagged
 * ({@code X-Content-Kind}) and sent only with {@code raw=true}; large ones are read by {@code
 * Range}. File reads are the IDE's busiest route, and the JAX-RS pipeline cost several times more
 * than the read itself (benchmarks/README.md, file-read), so this one route is served straight from
 * Vert.x: the same {@link Authenticator} as every API route on the event loop, then a file read
 * whole moments ago is answered from the {@link FileCache} there too; anything else goes to a
 * worker thread for the workspace and file work. Documented in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class FileReadRoute {

  static final String PATH = "/api/workspaces/:id/file";
  private static final String CLAIMS = "aicoder.claims";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");
  private static final int ATTEMPTS = 5;

  /**
   * After the security headers and CORS (-300), ahead of Quarkus's own authentication (-200) and
   * the filters behind it. This route checks the gateway's token itself, so it needs none of them,
   * and one of them (Quarkus REST's observability filter, -199) builds a RESTEasy request mapper on
   * every request: 15% of a file read's time (benchmarks/README.md, file-read). Quarkus path
   * permissions ({@code quarkus.http.auth.permission}) therefore do not apply to this route.
   */
  static final int ORDER = -250;

  // Encoded once: each response sends them.
  private static final CharSequence ETAG = header("ETag");
  private static final CharSequence LAST_MODIFIED = header("Last-Modified");
  private static final CharSequence CONTENT_KIND = header("X-Content-Kind");
  private static final CharSequence FILE_SIZE = header("X-File-Size");
  private static final CharSequence ACCEPT_RANGES = header("Accept-Ranges");
  private static final CharSequence BYTES = header("bytes");
  private static final CharSequence CACHE_CONTROL = header("Cache-Control");
  private static final CharSequence NO_CACHE = header("no-cache");
  private static final CharSequence CONTENT_TYPE = header("Content-Type");
  private static final CharSequence TEXT_PLAIN = header("text/plain;charset=UTF-8");
  private static final CharSequence OCTET_STREAM = header("application/octet-stream");
  private static final CharSequence TEXT = header("text");
  private static final CharSequence BINARY = header("binary");
  private static volatile LastDate lastDate = new LastDate(Long.MIN_VALUE, "");

  private final Authenticator authenticator;
  private final WorkspaceStore workspaces;
  private final WorkspaceFiles files;
  private final FileCache cache;
  private final long maxRead;

  FileReadRoute(
      Authenticator authenticator,
      WorkspaceStore workspaces,
      WorkspaceFiles files,
      FileCache cache,
      GatewayConfig config) {
    this.authenticator = authenticator;
    this.workspaces = workspaces;
    this.files = files;
    this.cache = cache;
    this.maxRead = config.files().maxRead().asLongValue();
  }

  void register(@Observes Router router) {
    router
        .route(PATH)
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD) // the same answer without the bytes (Vert.x drops them)
        .order(ORDER)
        .handler(this::admit)
        .handler(this::fromMemory)
        .blockingHandler(this::read, false);
  }

  private void admit(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String ip = AuthFilter.clientAddress(request);
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    TokenClaims known;
    try {
      known = authenticator.admitKnown(ip, authorization);
    } catch (ProblemException e) {
      answer(rc.response(), e);
      return;
    }
    if (known != null) {
      rc.put(CLAIMS, known);
      rc.next();
      return;
    }
    authenticator
        .admit(request.path(), ip, authorization)
        .subscribe()
        .with(
            claims -> {
              rc.put(CLAIMS, claims);
              rc.next();
            },
            e -> answer(rc.response(), ProblemException.of(e)));
  }

  /** Answers a whole-file read from memory when this replica knows enough; else on to a worker. */
  private void fromMemory(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    TokenClaims claims = rc.get(CLAIMS);
    Path root =
        request.getHeader("Range") == null
            ? workspaces.knownRoot(claims.user(), rc.pathParam("id"))
            : null;
    Cached file = null;
    boolean raw = false;
    if (root != null) {
      try {
        file = cache.get(root, query(rc, "path"), System.currentTimeMillis());
        raw = Boolean.parseBoolean(query(rc, "raw"));
      } catch (ProblemException e) {
        file = null; // the worker answers the bad request
      }
    }
    if (file == null) {
      rc.next();
    } else {
      sendWhole(rc, file, raw);
    }
  }

  private void read(RoutingContext rc) {
    try {
      serve(rc, rc.get(CLAIMS));
    } catch (RuntimeException e) {
      answer(rc.response(), ProblemException.of(e));
    }
  }

  private void serve(RoutingContext rc, TokenClaims claims) {
    String path = query(rc, "path");
    boolean raw = Boolean.parseBoolean(query(rc, "raw"));
    Path root = workspaces.root(claims.user(), rc.pathParam("id"));
    Path file = workspaces.resolve(claims.user(), root, path);
    String range = rc.request().getHeader("Range");
    HttpServerResponse response = rc.response();
    FileCache.Shelf shelf = range == null ? cache.shelf(root) : null; // before the disk is read
    // Writes rename a new file into place, which changes the version: reading the version again
    // after the bytes proves they belong to it, so an ETag never vouches for other content.
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long checkedAt = System.currentTimeMillis();
      FileVersion version = files.version(root, file);
      if (version.etag().equals(rc.request().getHeader("If-None-Match"))) {
        response.setStatusCode(304).putHeader(ETAG, version.etag()).end();
        return;
      }
      long[] span = span(version, range);
      long length = span[1] - span[0] + 1;
      if (length > maxRead) {
        throw new ProblemException(
                413,
                "file-too-large",
                "Content Too Large",
                "The file is "
                    + version.size()
                    + " bytes; read it in ranges of at most "
                    + maxRead
                    + " bytes (Range: bytes=0-...).")
            .with("size", version.size());
      }
      byte[] bytes;
      byte[] head;
      try {
        bytes = length == 0 ? new byte[0] : files.read(file, span[0], (int) length);
        head = span[0] == 0 ? bytes : files.read(file, 0, (int) Math.min(8192, version.size()));
      } catch (UncheckedIOException e) {
        continue; // replaced or deleted meanwhile: the next version() tells which (404 if gone)
      }
      if (files.version(root, file).equals(version)) {
        boolean binary = WorkspaceFiles.isBinary(head);
        if (range != null) {
          send(response, version, true, span, bytes, binary, raw);
        } else {
          Cached whole = new Cached(version, bytes, binary, checkedAt);
          cache.put(shelf, path, whole);
          sendWhole(rc, whole, raw);
        }
        return;
      }
    }
    throw new ProblemException(
            503, "file-busy", "Service Unavailable", path + " is being rewritten; read it again.")
        .header("Retry-After", "1");
  }

  /** The first and last byte to send. */
  private static long[] span(FileVersion version, String range) {
    long end = version.size() - 1;
    if (range == null) {
      return new long[] {0, end};
    }
    Matcher m = RANGE.matcher(range.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      throw rangeNotSatisfiable(version, "Send one range: Range: bytes=<start>-<end>.");
    }
    long start;
    if (m.group(1).isEmpty()) { // the last N bytes
      start = Math.max(0, version.size() - Long.parseLong(m.group(2)));
    } else {
      start = Long.parseLong(m.group(1));
      end = m.group(2).isEmpty() ? end : Math.min(end, Long.parseLong(m.group(2)));
    }
    if (start >= version.size() || start > end) {
      throw rangeNotSatisfiable(version, "The range is outside the file.");
    }
    return new long[] {start, end};
  }

  private static void sendWhole(RoutingContext rc, Cached file, boolean raw) {
    FileVersion version = file.version();
    if (version.etag().equals(rc.request().getHeader("If-None-Match"))) {
      rc.response().setStatusCode(304).putHeader(ETAG, version.etag()).end();
    } else {
      long[] span = {0, version.size() - 1};
      send(rc.response(), version, false, span, file.bytes(), file.binary(), raw);
    }
  }

  private static void send(
      HttpServerResponse response,
      FileVersion version,
      boolean partial,
      long[] span,
      byte[] bytes,
      boolean binary,
      boolean raw) {
    response
        .setStatusCode(partial ? 206 : 200)
        .putHeader(ETAG, version.etag())
        .putHeader(LAST_MODIFIED, httpDate(version.modified()))
        .putHeader(CONTENT_KIND, binary ? BINARY : TEXT)
        .putHeader(FILE_SIZE, Long.toString(version.size()))
        .putHeader(ACCEPT_RANGES, BYTES)
        .putHeader(CACHE_CONTROL, NO_CACHE)
        .putHeader(CONTENT_TYPE, binary ? OCTET_STREAM : TEXT_PLAIN);
    if (partial) {
      response.putHeader(
          "Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + version.size());
    }
    // Wrapped, not copied: the array is never written again (the cache shares it read-only).
    response.end(
        binary && !raw && !partial
            ? Buffer.buffer()
            : Buffer.buffer(Unpooled.wrappedBuffer(bytes)));
  }

  /** RFC 1123 dates, the last one remembered: a hot file is sent many times a second. */
  private static String httpDate(long millis) {
    LastDate last = lastDate;
    if (last.millis() != millis) {
      String text =
          DateTimeFormatter.RFC_1123_DATE_TIME.format(
              Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
      last = lastDate = new LastDate(millis, text);
    }
    return last.text();
  }

  private record LastDate(long millis, String text) {}

  private static void answer(HttpServerResponse response, ProblemException problem) {
    if (response.ended()) {
      return;
    }
    problem.headers().forEach(response::putHeader);
    response
        .setStatusCode(problem.problem().status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .end(Json.encode(problem.body()));
  }

  private static CharSequence header(String text) {
    return io.vertx.core.http.HttpHeaders.createOptimized(text);
  }

  private static String query(RoutingContext rc, String name) {
    try {
      List<String> values = rc.queryParam(name);
      return values.isEmpty() ? null : values.get(0);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(400, "bad-request", "Bad Request", "Malformed query string.");
    }
  }

  private static ProblemException rangeNotSatisfiable(FileVersion version, String detail) {
    return new ProblemException(416, "range-not-satisfiable", "Range Not Satisfiable", detail)
        .header("Content-Range", "bytes */" + version.size());
  }
}
