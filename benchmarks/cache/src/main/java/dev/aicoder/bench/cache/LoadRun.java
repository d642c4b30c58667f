package dev.aicoder.bench.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * A load run of the real cache service over HTTP: {@code -Dclients} clients (Java HttpClient, one
 * connection each) at a steady total {@code -Drate} requests/s, arrivals spread evenly across the
 * clients, 90% GET and 10% PUT (updates) of 4 KB text on Zipf-distributed keys; a GET that misses
 * is followed by a PUT of the value (cache-aside fill). Latency counts from each request's
 * scheduled time, so a stalled server is not hidden by clients that wait; a fill's from its start.
 * Prints requests/s, latency, the service's hit rates from {@code GET /cache/stats} and its CPU per
 * request from {@code /proc/<pid>/stat}.
 */
public final class LoadRun {

  private static final String NAMESPACE = "bench";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoadRun() {}

  public static void main(String[] args) throws Exception {
    String base = "http://127.0.0.1:" + Integer.getInteger("port") + "/cache/";
    String pid = System.getProperty("server.pid");
    int clockTicks = Integer.getInteger("clk.tck", 100);
    int clients = Integer.getInteger("clients", 16);
    int rate = Integer.getInteger("rate", 2000);
    int keys = Integer.getInteger("keys", 10_000);
    int warmupSeconds = Integer.getInteger("warmup.seconds", 10);
    int measureSeconds = Integer.getInteger("measure.seconds", 20);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      values.add(Texts.text(4096, 100 + i));
    }

    Recorder gets = new Recorder(3);
    Recorder puts = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong hits = new AtomicLong();
    AtomicLong misses = new AtomicLong();
    AtomicLong fills = new AtomicLong();
    long periodNanos = 1_000_000_000L * clients / rate;
    long start = System.nanoTime() + 500_000_000L;
    long measureFrom = start + warmupSeconds * 1_000_000_000L;
    long end = measureFrom + measureSeconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          new Thread(
              () -> {
                HttpClient http =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                Zipf zipf = new Zipf(keys, 0.9, 7L * client + 1);
                // Client c's requests fall between client c-1's and c+1's: arrivals are spread.
                long due = start + periodNanos * client / clients;
                while (due < end) {
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  String key = "k" + zipf.next();
                  boolean put = zipf.uniform() < 0.1;
                  HttpRequest.Builder req =
                      HttpRequest.newBuilder(URI.create(base + NAMESPACE + "/" + key))
                          .timeout(Duration.ofSeconds(10));
                  if (put) {
                    req.PUT(HttpRequest.BodyPublishers.ofByteArray(value(values, key)))
                        .header("Content-Type", "application/octet-stream")
                        .header("Cache-TTL", "600");
                  }
                  try {
                    HttpResponse<byte[]> r =
                        http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                    long micros = (System.nanoTime() - due) / 1000;
                    boolean measured = due >= measureFrom;
                    boolean ok = r.statusCode() == 200 || (!put && r.statusCode() == 404);
                    if (measured) {
                      if (ok) {
                        (put ? puts : gets).recordValue(micros);
                        done.incrementAndGet();
                      } else {
                        errors.incrementAndGet();
                      }
                    }
                    if (!put && r.statusCode() == 404) {
                      // Cache-aside: the caller computes the value and stores it.
                      long fillStart = System.nanoTime();
                      HttpResponse<Void> f =
                          http.send(
                              HttpRequest.newBuilder(URI.create(base + NAMESPACE + "/" + key))
                                  .PUT(HttpRequest.BodyPublishers.ofByteArray(value(values, key)))
                                  .header("Content-Type", "application/octet-stream")
                                  .header("Cache-TTL", "600")
                                  .build(),
                              HttpResponse.BodyHandlers.discarding());
                      if (measured) {
                        if (f.statusCode() == 200) {
                          puts.recordValue((System.nanoTime() - fillStart) / 1000);
                          done.incrementAndGet();
                          fills.incrementAndGet();
                        } else {
                          errors.incrementAndGet();
                        }
                      }
                    }
                    if (measured && !put) {
                      (r.statusCode() == 200 ? hits : misses).incrementAndGet();
                    }
                  } catch (IOException e) {
                    if (due >= measureFrom) {
                      errors.incrementAndGet();
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  due += periodNanos;
                }
              },
              "client-" + c));
      threads.get(c).start();
    }
    System.out.printf(
        "Load: %d clients, %,d requests/s in total, 90%% GET / 10%% PUT of 4 KB on %,d Zipf keys;"
            + " %d s warm-up, %d s measured%n",
        clients, rate, keys, warmupSeconds, measureSeconds);
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    gets.reset();
    puts.reset();
    long cpuBefore = cpuTicks(pid);
    long measureStarted = System.nanoTime();
    LockSupport.parkNanos(end - System.nanoTime());
    for (Thread t : threads) {
      t.join();
    }
    long cpuAfter = cpuTicks(pid);
    double seconds = (System.nanoTime() - measureStarted) / 1e9;
    var g = gets.getIntervalHistogram();
    var p = puts.getIntervalHistogram();
    var all = g.copy();
    all.add(p);
    JsonNode stats = JSON.readTree(http(base + "stats"));
    JsonNode ns = stats.path("namespaces").path(NAMESPACE);
    JsonNode tiers = ns.path("tiers");
    double cpuSeconds = (cpuAfter - cpuBefore) / (double) clockTicks;

    List<String> lines = new ArrayList<>();
    lines.add("| measurement | figure |");
    lines.add("|---|---|");
    lines.add(
        String.format(
            "| requests in %.1f s (errors) | %,d (%d): **%,.0f requests/s** (offered %,d, plus %,d fills) |",
            seconds, done.get(), errors.get(), done.get() / seconds, rate, fills.get()));
    lines.add(
        String.format(
            "| latency p50 / p99 / max, all | **%.2f / %.2f ms** / %.1f ms |",
            all.getValueAtPercentile(50) / 1000.0,
            all.getValueAtPercentile(99) / 1000.0,
            all.getMaxValue() / 1000.0));
    lines.add(
        String.format(
            "| GET p50 / p99; PUT (updates and fills) p50 / p99 | %.2f / %.2f ms; %.2f / %.2f ms |",
            g.getValueAtPercentile(50) / 1000.0,
            g.getValueAtPercentile(99) / 1000.0,
            p.getValueAtPercentile(50) / 1000.0,
            p.getValueAtPercentile(99) / 1000.0));
    lines.add(
        String.format(
            "| GET hit rate in the window (client-side) | %.1f%% |",
            100.0 * hits.get() / Math.max(1, hits.get() + misses.get())));
    lines.add(
        String.format(
            "| hit rate, whole run (GET /cache/stats) | **%.1f%%** (memory %d hits, redis %d, file %d; misses %d) |",
            100 * ns.path("hitRate").asDouble(),
            tiers.path("memory").path("hits").asLong(),
            tiers.path("redis").path("hits").asLong(),
            tiers.path("file").path("hits").asLong(),
            ns.path("misses").asLong()));
    lines.add(
        String.format(
            "| memory tier entries / bytes, evictions | %d / %,d, %d |",
            stats.path("tiers").path("memory").path("entries").asLong(),
            stats.path("tiers").path("memory").path("bytes").asLong(),
            tiers.path("memory").path("evictions").asLong()));
    lines.add(
        String.format(
            "| **cache service CPU per request** | **%.1f us** (%.2f cores) |",
            cpuSeconds * 1e6 / Math.max(1, done.get()), cpuSeconds / seconds));
    String table = String.join("\n", lines) + "\n";
    System.out.print(table);
    Files.writeString(Path.of(System.getProperty("summary", "target/load-summary.md")), table);
  }

  private static byte[] value(List<byte[]> values, String key) {
    return values.get(Math.floorMod(key.hashCode(), values.size()));
  }

  private static String http(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  private static long cpuTicks(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
