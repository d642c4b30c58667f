package dev.aicoder.bench.cache;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A 4 KB hit over HTTP, one request at a time: {@code GET /cache/{ns}/{key}} on a service whose
 * memory tier holds it ({@code -Dport}) and on one whose memory tier is too small to hold anything
 * ({@code -Dl2.port}), so every hit there reads Redis and decodes. Requests alternate between the
 * two, {@code -Dmeasure.seconds} after as long a warm-up.
 */
public final class HttpHits {

  private HttpHits() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("measure.seconds", 10);
    URI l1 = URI.create("http://127.0.0.1:" + Integer.getInteger("port") + "/cache/http/q-4k");
    URI l2 = URI.create("http://127.0.0.1:" + Integer.getInteger("l2.port") + "/cache/http/q-4k");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] value = Texts.text(4096, 7);
    for (URI uri : List.of(l1, l2)) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                  .header("Cache-TTL", "3600")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("PUT " + uri + ": " + r.statusCode() + " " + r.body());
      }
    }
    Histogram[] h = {new Histogram(3), new Histogram(3)};
    String[] tiers = new String[2];
    for (int phase = 0; phase < 2; phase++) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      h[0].reset();
      h[1].reset();
      while (System.nanoTime() < end) {
        for (int i = 0; i < 2; i++) {
          long start = System.nanoTime();
          HttpResponse<byte[]> r =
              http.send(
                  HttpRequest.newBuilder(i == 0 ? l1 : l2).timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          h[i].recordValue((System.nanoTime() - start) / 100); // tenths of a microsecond
          if (r.statusCode() != 200 || !Arrays.equals(r.body(), value)) {
            throw new IllegalStateException("GET " + (i == 0 ? l1 : l2) + ": " + r.statusCode());
          }
          tiers[i] = r.headers().firstValue("Cache-Tier").orElse("?");
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("| 4 KB hit over HTTP, one at a time | tier answering | p50 | p99 | requests |");
    lines.add("|---|---|---|---|---|");
    String[] names = {"service with room in memory", "service with a memory tier of 1 byte"};
    for (int i = 0; i < 2; i++) {
      lines.add(
          String.format(
              "| %s | %s | %.1f us | %.1f us | %,d |",
              names[i],
              tiers[i],
              h[i].getValueAtPercentile(50) / 10.0,
              h[i].getValueAtPercentile(99) / 10.0,
              h[i].getTotalCount()));
    }
    lines.add(
        String.format(
            "| **Redis tier / memory tier over HTTP** | | **%.2fx** | **%.2fx** | |",
            h[1].getValueAtPercentile(50) / (double) h[0].getValueAtPercentile(50),
            h[1].getValueAtPercentile(99) / (double) h[0].getValueAtPercentile(99)));
    String table = String.join("\n", lines) + "\n";
    System.out.print(table);
    Files.writeString(Path.of(System.getProperty("summary", "target/http-summary.md")), table);
  }
}
