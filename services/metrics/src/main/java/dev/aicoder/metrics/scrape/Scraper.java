package dev.aicoder.metrics.scrape;

import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Scrapes every instance of every target at once, each within the timeout. */
public final class Scraper {

  /** A scrape bigger than this is refused: no service of ours writes a tenth of it. */
  static final int MAX_BYTES = 8 << 20;

  /** One instance's scrape: its samples, or why there are none. */
  @RegisterForReflection
  public record Result(
      String service,
      String instance,
      String url,
      Samples samples,
      String error,
      long bytes,
      double millis) {

    public boolean up() {
      return samples != null;
    }
  }

  private final HttpClient client;
  private final Duration timeout;
  private final java.util.Set<String> wanted;

  /** A scraper that keeps the samples named in {@code wanted} (null: all). */
  public Scraper(Duration timeout, java.util.Set<String> wanted) {
    this.timeout = timeout;
    this.wanted = wanted;
    // HTTP/1.1: without it the client offers an h2c upgrade on every new connection.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /** Scrapes all instances in parallel; returns one result per instance, in target order. */
  public List<Result> scrape(List<Target> targets) {
    List<Instance> instances = new ArrayList<>();
    List<Result> failed = new ArrayList<>();
    for (Target target : targets) {
      try {
        instances.addAll(instances(target));
      } catch (UnknownHostException e) {
        failed.add(
            new Result(
                target.service(),
                target.url().getHost() + ":" + target.port(),
                target.url().toString(),
                null,
                "Unknown host " + target.url().getHost(),
                0,
                0));
      }
    }
    List<CompletableFuture<Result>> pending = new ArrayList<>();
    for (Instance instance : instances) {
      pending.add(fetch(instance));
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      results.add(await(instances.get(i), pending.get(i)));
    }
    results.addAll(failed);
    return results;
  }

  @RegisterForReflection
  private record Instance(String service, String instance, URI url) {}

  private static List<Instance> instances(Target target) throws UnknownHostException {
    URI url = target.url();
    // An instance is its host:port, as Prometheus names it; a path of its own (two targets on one
    // port) is part of the name, so their figures never mix.
    String path = "/q/metrics".equals(url.getRawPath()) ? "" : url.getRawPath();
    if (!target.discover()) {
      return List.of(
          new Instance(target.service(), url.getHost() + ":" + target.port() + path, url));
    }
    List<Instance> found = new ArrayList<>();
    for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
      String host = address.getHostAddress();
      String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + target.port();
      URI pod = URI.create(url.getScheme() + "://" + authority + url.getRawPath());
      found.add(new Instance(target.service(), authority + path, pod));
    }
    return found;
  }

  private CompletableFuture<Result> fetch(Instance instance) {
    long started = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(instance.url())
            .timeout(timeout)
            .header("Accept", "text/plain;version=0.0.4")
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApply(response -> read(instance, response, started, wanted));
  }

  private static Result read(
      Instance instance,
      HttpResponse<InputStream> response,
      long started,
      java.util.Set<String> wanted) {
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        return failed(instance, "HTTP " + response.statusCode(), started);
      }
      byte[] body = in.readNBytes(MAX_BYTES + 1);
      if (body.length > MAX_BYTES) {
        return failed(instance, "The scrape is over " + (MAX_BYTES >> 20) + " MB", started);
      }
      Samples samples = Samples.parse(body, wanted);
      double millis = (System.nanoTime() - started) / 1e6;
      return new Result(
          instance.service(),
          instance.instance(),
          instance.url().toString(),
          samples,
          null,
          body.length,
          millis);
    } catch (IOException e) {
      return failed(instance, e.getMessage(), started);
    }
  }

  private Result await(Instance instance, CompletableFuture<Result> pending) {
    long started = System.nanoTime();
    try {
      return pending.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      return failed(instance, "No answer within " + timeout.toMillis() + " ms", started);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why =
          cause instanceof java.net.ConnectException
              ? "Connection refused"
              : cause.getClass().getSimpleName()
                  + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      Log.debugf("scrape of %s failed: %s", instance.url(), why);
      return failed(instance, why, started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(instance, "Interrupted", started);
    }
  }

  private static Result failed(Instance instance, String why, long started) {
    return new Result(
        instance.service(),
        instance.instance(),
        instance.url().toString(),
        null,
        why,
        0,
        (System.nanoTime() - started) / 1e6);
  }
}
