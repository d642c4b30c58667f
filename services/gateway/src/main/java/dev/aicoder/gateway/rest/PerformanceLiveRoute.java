package dev.aicoder.gateway.rest;

import dev.aicoder.auth.TokenClaims;
import dev.aicoder.common.InternalCredential;
import dev.aicoder.common.Problem;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.client.RefusalMapper;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.security.AuthFilter;
import dev.aicoder.gateway.security.Authenticator;
import dev.aicoder.gateway.security.Caller;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /api/performance/live}: the metrics service's Server-Sent Events, piped to the browser
 * chunk by chunk as they arrive (snapshots and the {@code : ping} heartbeats alike), for admins and
 * team leads. Served from Vert.x, not JAX-RS, so nothing buffers the stream; each browser has its
 * own upstream request, closed when the browser goes. Documented in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class PerformanceLiveRoute {

  static final String PATH = "/api/performance/live";

  /** How often an open stream's token is checked again (signed out, expired: the stream ends). */
  static final long RECHECK_MS = 5_000;

  /** Snapshots come every scrape interval (5 s): two minutes of silence is a dead upstream. */
  private static final int IDLE_SECONDS = 120;

  private final Authenticator authenticator;
  private final Vertx vertx;
  private final HttpClient client;
  private final String url;
  private final Optional<String> credential;

  /** The streams being followed, each with its upstream request. */
  private final Map<HttpServerResponse, HttpClientRequest> open = new ConcurrentHashMap<>();

  PerformanceLiveRoute(
      Authenticator authenticator,
      GatewayConfig config,
      Vertx vertx,
      @ConfigProperty(name = "aicoder.internal-token") Optional<String> internalToken) {
    this.authenticator = authenticator;
    this.vertx = vertx;
    this.credential = internalToken.filter(t -> !t.isBlank());
    this.url = config.metricsUrl().replaceAll("/+$", "") + "/api/performance/live";
    // A stream holds its connection for as long as the page is open: one each, many at once.
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(1000)
                .setIdleTimeout(IDLE_SECONDS)
                .setKeepAlive(false),
            new PoolOptions().setHttp1MaxSize(1000).setMaxWaitQueueSize(100));
  }

  void register(@Observes Router router) {
    router
        .route(PATH)
        .method(HttpMethod.GET)
        .order(FileReadRoute.ORDER)
        .handler(this::admit)
        .handler(this::stream);
  }

  /** How many browsers follow the stream now. */
  public int open() {
    return open.size();
  }

  /**
   * Ends every stream, so browsers reconnect to another replica while this one stops (an
   * EventSource, or the page's fetch loop, reconnects when a stream ends).
   */
  public void closeAll() {
    // The pipe ends each browser's response itself, on its own event loop, when its upstream ends.
    open.values().forEach(HttpClientRequest::reset);
  }

  private void admit(RoutingContext rc) {
    String ip = AuthFilter.clientAddress(rc.request());
    authenticator
        .admit(rc.request().path(), ip, rc.request().getHeader(HttpHeaders.AUTHORIZATION))
        .subscribe()
        .with(
            claims -> {
              if (Caller.readsPerformance(claims)) {
                rc.put("aicoder.claims", claims);
                rc.next();
              } else {
                answer(
                    rc.response(),
                    new ProblemException(
                        403,
                        "forbidden",
                        "Forbidden",
                        "Only an admin or a team lead may see the performance figures."));
              }
            },
            e -> answer(rc.response(), ProblemException.of(e)));
  }

  private void stream(RoutingContext rc) {
    HttpServerResponse response = rc.response();
    TokenClaims claims = rc.get("aicoder.claims");
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(url)
            .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
    credential.ifPresent(token -> options.putHeader(InternalCredential.HEADER, token));
    client
        .request(options)
        .onSuccess(request -> follow(rc, request, claims))
        .onFailure(e -> unavailable(response, e));
  }

  private void follow(RoutingContext rc, HttpClientRequest request, TokenClaims claims) {
    HttpServerResponse response = rc.response();
    // The browser went (closed the tab, navigated): the upstream request goes with it.
    response.closeHandler(closed -> request.reset());
    response.endHandler(ended -> request.reset());
    request
        .send()
        .onFailure(e -> unavailable(response, e))
        .onSuccess(
            upstream -> {
              if (response.closed()) {
                request.reset();
              } else if (upstream.statusCode() != 200) {
                relay(response, upstream);
              } else {
                response
                    .setStatusCode(200)
                    .setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream;charset=UTF-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .putHeader("X-Accel-Buffering", "no"); // nginx ingress: pass it on at once
                open.put(response, request);
                long recheck = recheck(rc, request);
                Log.debugf("%s follows the live performance stream", claims.user());
                // Each chunk is written as it arrives; the browser's pace pauses the upstream.
                upstream
                    .pipeTo(response)
                    .onComplete(
                        done -> {
                          vertx.cancelTimer(recheck);
                          open.remove(response);
                          request.reset();
                        });
              }
            });
  }

  /**
   * Checks the stream's token again every {@link #RECHECK_MS}: once it is signed out or expired the
   * stream ends (its page then reconnects with its new token, or not at all). A Redis outage (503)
   * does not end it.
   */
  private long recheck(RoutingContext rc, HttpClientRequest request) {
    String ip = AuthFilter.clientAddress(rc.request());
    String authorization = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    return vertx.setPeriodic(
        RECHECK_MS,
        id ->
            authenticator
                .admit(PATH, ip, authorization)
                .subscribe()
                .with(
                    claims -> {},
                    e -> {
                      if (e instanceof ProblemException p && p.problem().status() == 401) {
                        Log.debugf("a live performance stream ends: %s", e.getMessage());
                        request.reset();
                      }
                    }));
  }

  /** A refusal or failure of the metrics service, as it answered it (a problem, normally). */
  private static void relay(HttpServerResponse response, HttpClientResponse upstream) {
    upstream
        .body()
        .onComplete(
            body -> {
              if (response.ended() || response.closed()) {
                return;
              }
              if (!RefusalMapper.relayed(upstream.statusCode()) || body.failed()) {
                unavailable(response, new IllegalStateException("HTTP " + upstream.statusCode()));
                return;
              }
              String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
              if (type != null) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, type);
              }
              response.setStatusCode(upstream.statusCode()).end(body.result());
            });
  }

  private static void unavailable(HttpServerResponse response, Throwable e) {
    Log.warnf("The metrics service did not answer the live stream: %s", e.toString());
    answer(
        response,
        new ProblemException(
                503,
                "metrics-unavailable",
                "Service Unavailable",
                "The metrics service is not answering; try again shortly.")
            .header("Retry-After", "5"));
  }

  private static void answer(HttpServerResponse response, ProblemException problem) {
    if (response.ended() || response.closed() || response.headWritten()) {
      return;
    }
    problem.headers().forEach(response::putHeader);
    response
        .setStatusCode(problem.problem().status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .end(Json.encode(problem.body()));
  }
}
