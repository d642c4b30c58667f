package dev.aicoder.bench;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time to first token and gap between tokens as WebSocket clients see them through the whole path
 * (chat-websocket → Redis → ai-streaming → fake model and back), next to clients reading the fake
 * model directly, at several concurrency levels. Prints p50/p99 and token integrity.
 *
 * <p>Usage: {@code ChatLatencyBenchmark <ws-url> <model-base-url> <tokens> <levels...>}.
 */
public final class ChatLatencyBenchmark {

  private static final Pattern TOKEN = Pattern.compile("t(\\d+) ");

  private ChatLatencyBenchmark() {}

  /** What one stream looked like to its client. */
  record Run(long firstTokenNanos, List<Long> gapsNanos, String text, boolean ok) {}

  public static void main(String[] args) throws Exception {
    URI ws = URI.create(args[0]);
    // chat-websocket verifies tokens with the key published in Redis (the gateway's job in prod).
    TestTokens.publish("127.0.0.1", Integer.getInteger("redis.port", 6391));
    String model = args[1];
    int tokens = Integer.parseInt(args[2]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    System.out.printf("tokens per answer: %d%n%n", tokens);
    System.out.printf(
        "%7s %-8s %9s %9s %9s %9s %7s %7s %7s %7s%n",
        "streams",
        "path",
        "ttft p50",
        "ttft p99",
        "gap p50",
        "gap p99",
        "lost",
        "dup",
        "reord",
        "failed");
    // Warm both clients up in this JVM (class loading, JIT, connection setup), then measure.
    all(20, () -> direct(http, model));
    all(20, () -> throughPath(http, ws));
    for (int i = 3; i < args.length; i++) {
      int n = Integer.parseInt(args[i]);
      List<Run> direct = all(n, () -> direct(http, model));
      List<Run> path = all(n, () -> throughPath(http, ws));
      print(n, "direct", direct, tokens);
      print(n, "via-ws", path, tokens);
      System.out.printf(
          "%7d %-8s %9.1f %9.1f  (added to first token, ms)%n%n",
          n,
          "added",
          pct(ttft(path), 50) - pct(ttft(direct), 50),
          pct(ttft(path), 99) - pct(ttft(direct), 99));
    }
  }

  private interface Stream {
    CompletableFuture<Run> start();
  }

  private static List<Run> all(int n, Stream stream) throws Exception {
    List<CompletableFuture<Run>> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      runs.add(stream.start());
    }
    List<Run> done = new ArrayList<>();
    for (CompletableFuture<Run> run : runs) {
      done.add(run.get(120, TimeUnit.SECONDS));
    }
    return done;
  }

  private static CompletableFuture<Run> direct(HttpClient http, String baseUrl) {
    String body =
        "{\"model\":\"fake\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long start = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenApplyAsync(
            response -> {
              Timing timing = new Timing(start);
              StringBuilder text = new StringBuilder();
              response
                  .body()
                  .filter(l -> l.startsWith("data: {"))
                  .forEach(
                      line -> {
                        Matcher m = Pattern.compile("\"content\":\"([^\"]*)\"").matcher(line);
                        if (m.find()) {
                          timing.arrived();
                          text.append(m.group(1));
                        }
                      });
              return timing.run(text.toString(), true);
            });
  }

  private static CompletableFuture<Run> throughPath(HttpClient http, URI ws) {
    CompletableFuture<Run> result = new CompletableFuture<>();
    String user = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Timing[] timing = new Timing[1];
    StringBuilder text = new StringBuilder();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              try {
                Frame frame = FrameCodec.fromJson(partial.toString());
                if (frame instanceof Frame.Delta delta) {
                  timing[0].arrived();
                  text.append(delta.text());
                } else if (frame instanceof Frame.Restart) {
                  text.setLength(0);
                } else if (frame instanceof Frame.TurnEvent e && e.isFinal()) {
                  result.complete(timing[0].run(text.toString(), e instanceof Frame.Done));
                  socket.sendClose(1000, "done");
                } else if (frame instanceof Frame.Error e) {
                  System.err.println("error frame: " + e.message());
                  result.complete(timing[0].run(text.toString(), false));
                }
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
              partial.setLength(0);
            }
            socket.request(1);
            return null;
          }
        };
    http.newWebSocketBuilder()
        .subprotocols(FrameCodec.JSON)
        .buildAsync(URI.create(ws + "?access_token=" + TestTokens.of(user)), listener)
        .thenAccept(
            socket -> {
              timing[0] = new Timing(System.nanoTime());
              socket.sendText(
                  FrameCodec.toJson(
                      new Frame.Prompt(UUID.randomUUID().toString(), "m1", "bench", null)),
                  true);
            })
        .exceptionally(
            e -> {
              result.completeExceptionally(e);
              return null;
            });
    return result;
  }

  /** Arrival times of one stream's pieces. */
  private static final class Timing {
    private final long start;
    private long first;
    private long last;
    private final List<Long> gaps = new ArrayList<>();

    Timing(long start) {
      this.start = start;
    }

    synchronized void arrived() {
      long now = System.nanoTime();
      if (first == 0) {
        first = now;
      } else {
        gaps.add(now - last);
      }
      last = now;
    }

    synchronized Run run(String text, boolean ok) {
      return new Run(first - start, gaps, text, ok && first != 0);
    }
  }

  private static void print(int n, String name, List<Run> all, int tokens) {
    List<Run> runs = all.stream().filter(Run::ok).toList();
    long failed = all.size() - runs.size();
    List<Long> gaps = new ArrayList<>();
    runs.forEach(r -> gaps.addAll(r.gapsNanos()));
    int lost = 0;
    int dup = 0;
    int reordered = 0;
    for (Run run : runs) {
      boolean[] seen = new boolean[tokens];
      int previous = -1;
      Matcher m = TOKEN.matcher(run.text());
      while (m.find()) {
        int t = Integer.parseInt(m.group(1));
        if (t < tokens && seen[t]) {
          dup++;
        } else if (t < tokens) {
          seen[t] = true;
        }
        if (t < previous) {
          reordered++;
        }
        previous = t;
      }
      for (boolean s : seen) {
        lost += s ? 0 : 1;
      }
    }
    if (!runs.isEmpty() && !runs.get(0).text().equals(FakeLlm.expectedText(tokens))) {
      System.out.println("  (first " + name + " answer differs from the model's output)");
    }
    System.out.printf(
        "%7d %-8s %9.1f %9.1f %9.2f %9.2f %7d %7d %7d %7d%n",
        n,
        name,
        pct(ttft(runs), 50),
        pct(ttft(runs), 99),
        pct(gaps, 50),
        pct(gaps, 99),
        lost,
        dup,
        reordered,
        failed);
  }

  private static List<Long> ttft(List<Run> runs) {
    return runs.stream().map(Run::firstTokenNanos).toList();
  }

  /** Percentile in milliseconds. */
  private static double pct(List<Long> nanos, int p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
