package dev.aicoder.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.gateway.ComponentStatus;
import dev.aicoder.gateway.StatusReport;
import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks every service and Redis in parallel, each with the same short timeout, so a stopped or
 * hanging part shows as DOWN within that timeout instead of stalling the whole answer.
 */
@ApplicationScoped
public class StatusService {

  private final GatewayConfig config;
  private final ReactiveRedisDataSource redis;
  private final SmallRyeHealthReporter health;
  private final ObjectMapper json;
  private final String version;
  private final HttpClient http;

  StatusService(
      GatewayConfig config,
      ReactiveRedisDataSource redis,
      SmallRyeHealthReporter health,
      ObjectMapper json,
      @ConfigProperty(name = "quarkus.application.version") String version) {
    this.config = config;
    this.redis = redis;
    this.health = health;
    this.json = json;
    this.version = version;
    // HTTP/1.1: the JDK client's default h2c upgrade attempt stalls against Vert.x servers.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.statusTimeout())
            .build();
  }

  /**
   * Runs one check at start-up and drops the result: the first use of the HTTP client and of each
   * service's endpoints is slow enough that the first real /api/status would see false DOWNs.
   */
  void warmUp(@Observes StartupEvent event) {
    check();
  }

  /** Checks everything; completes within the status timeout plus scheduling slack. */
  public CompletionStage<StatusReport> check() {
    List<CompletableFuture<ComponentStatus>> services =
        List.of(
            self(),
            remote("chat-websocket", config.chatWebsocketUrl()),
            remote("ai-streaming", config.aiStreamingUrl()),
            remote("cache", config.cacheUrl()),
            remote("metrics", config.metricsUrl()));
    CompletableFuture<ComponentStatus> redisStatus = redis();
    return CompletableFuture.allOf(services.toArray(CompletableFuture[]::new))
        .thenCombine(
            redisStatus,
            (ignored, r) ->
                StatusReport.of(services.stream().map(CompletableFuture::join).toList(), r));
  }

  /** The gateway itself: its own readiness checks (its Redis connection among them). */
  private CompletableFuture<ComponentStatus> self() {
    long start = System.nanoTime();
    return bounded(
        "gateway",
        start,
        health
            .getReadinessAsync()
            .map(
                h ->
                    h.isDown()
                        ? new ComponentStatus(
                            "gateway", ComponentStatus.DOWN, version, ms(start), "not ready")
                        : new ComponentStatus(
                            "gateway", ComponentStatus.UP, version, ms(start), null))
            .subscribeAsCompletionStage());
  }

  private CompletableFuture<ComponentStatus> remote(String name, String baseUrl) {
    long start = System.nanoTime();
    CompletableFuture<String> remoteVersion =
        get(baseUrl + "/q/info")
            .handle((r, e) -> e == null && r.statusCode() == 200 ? versionOf(r.body()) : null);
    CompletableFuture<ComponentStatus> status =
        get(baseUrl + "/q/health/ready")
            .thenCombine(
                remoteVersion,
                (r, v) ->
                    r.statusCode() == 200
                        ? new ComponentStatus(name, ComponentStatus.UP, v, ms(start), null)
                        : new ComponentStatus(
                            name,
                            ComponentStatus.DOWN,
                            v,
                            ms(start),
                            "not ready (HTTP " + r.statusCode() + ")"));
    return bounded(name, start, status);
  }

  private CompletableFuture<ComponentStatus> redis() {
    long start = System.nanoTime();
    Uni<ComponentStatus> info =
        redis
            .execute("INFO", "server")
            .map(
                r ->
                    new ComponentStatus(
                        "redis", ComponentStatus.UP, redisVersion(r.toString()), ms(start), null));
    return bounded("redis", start, info.subscribeAsCompletionStage());
  }

  /** Caps a check at the status timeout and turns any failure into a DOWN with a reason. */
  private CompletableFuture<ComponentStatus> bounded(
      String name, long start, CompletionStage<ComponentStatus> check) {
    return check
        .toCompletableFuture()
        .orTimeout(config.statusTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            e -> new ComponentStatus(name, ComponentStatus.DOWN, null, ms(start), describe(e)));
  }

  private CompletableFuture<HttpResponse<String>> get(String url) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(config.statusTimeout()).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private String versionOf(String infoJson) {
    try {
      return json.readTree(infoJson).path("build").path("version").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  static String redisVersion(String info) {
    return info.lines()
        .filter(l -> l.startsWith("redis_version:"))
        .map(l -> l.substring("redis_version:".length()).trim())
        .findFirst()
        .orElse(null);
  }

  private String describe(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    Duration timeout = config.statusTimeout();
    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
