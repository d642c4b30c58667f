package dev.aicoder.bench;

import dev.aicoder.auth.SigningKey;
import dev.aicoder.auth.Tokens;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.parsetools.RecordParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the chat path adds to a streamed answer, and the CPU it spends per token. Per level of
 * concurrent streams, three phases with the same arrivals (starts spread evenly over a window):
 * clients reading the fake model directly (the reference), clients through the gateway's {@code
 * /ws/chat} as a browser, and clients straight to chat-websocket. Each phase reads the CPU time of
 * every product process from {@code /proc} before and after, and divides it by the tokens
 * delivered. A second answer length at some levels splits the CPU into a fixed part per turn and a
 * marginal part per token.
 *
 * <p>Settings are system properties; see benchmarks/chat-latency/README.md.
 */
public final class ChatLatencyBenchmark {

  private static final Pattern TOKEN = Pattern.compile("t(\\d+) ");
  private static final Pattern COMMAND_STAT =
      Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+),usec=(\\d+)");
  private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]*)\"");
  private static final long TICK_NANOS = 1_000_000_000L / Long.getLong("clk.tck", 100);

  /** The processes whose CPU counts as the chat path's, in the order printed. */
  private static final List<String> PATH =
      List.of("gateway", "chat-websocket", "ai-streaming", "redis");

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final HttpClient model;
  private final WebSocketClient sockets;
  private final String modelHost;
  private final int modelPort;
  private final SigningKey key;
  private final Map<String, Long> pids = new LinkedHashMap<>();
  private final long windowNanos = Duration.ofMillis(Long.getLong("window.ms", 2000)).toNanos();
  private final boolean msgpack = "msgpack".equals(System.getProperty("protocol", "json"));

  /** Offers permessage-deflate in the handshake, as browsers do. */
  private final boolean deflate = !"0".equals(System.getProperty("deflate", "1"));

  /** What one stream looked like to its client. */
  record Run(long firstTokenNanos, List<Long> gapsNanos, String text, boolean ok) {}

  /** One phase: its streams and the CPU ticks each process spent while they ran. */
  record Phase(
      int streams,
      int tokens,
      List<Run> runs,
      Map<String, long[]> ticks,
      Map<String, long[]> redisCommands) {

    /** Microseconds of CPU per delivered token, of one process or (null) the path's sum. */
    double perToken(String process) {
      long delivered = (long) runs.stream().filter(Run::ok).count() * tokens;
      return delivered == 0 ? Double.NaN : cpuNanos(process) / 1e3 / delivered;
    }

    /** Microseconds of the path's CPU per turn. */
    double perTurn() {
      return cpuNanos(null) / 1e3 / streams;
    }

    /** The path's CPU less its compiler threads'. */
    long withoutJitNanos() {
      return cpuNanos(null) - pathNanos(1);
    }

    long cpuNanos(String process) {
      long sum = 0;
      for (String name : process == null ? PATH : List.of(process)) {
        long[] t = ticks.get(name);
        sum += t == null ? 0 : t[0] * TICK_NANOS;
      }
      return sum;
    }

    /** CPU of the path's processes in one column of {@link #ticks}: 1 JIT threads, 2 kernel. */
    long pathNanos(int column) {
      long sum = 0;
      for (String name : PATH) {
        long[] t = ticks.get(name);
        sum += t == null ? 0 : t[column] * TICK_NANOS;
      }
      return sum;
    }
  }

  private final Map<Path, Long> runsSeen = new HashMap<>();
  private final Map<String, Long> runsSoFar = new HashMap<>();

  private ChatLatencyBenchmark() throws IOException {
    String[] hostPort = System.getProperty("model", "127.0.0.1:8190").split(":");
    modelHost = hostPort[0];
    modelPort = Integer.parseInt(hostPort[1]);
    model = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(1000).setKeepAlive(true));
    sockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(10_000)
                .setConnectTimeout(30_000)
                .setTryUsePerMessageCompression(deflate));
    key = SigningKey.fromPem(Files.readString(Path.of(System.getProperty("key.file"))));
    for (String entry : System.getProperty("pids", "").split(",")) {
      if (entry.contains("=")) {
        pids.put(entry.substring(0, entry.indexOf('=')), Long.parseLong(entry.split("=")[1]));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    ChatLatencyBenchmark bench = new ChatLatencyBenchmark();
    try {
      bench.run();
    } finally {
      bench.vertx.close();
    }
  }

  private void run() throws Exception {
    int gateway = Integer.getInteger("gateway.port", 8280);
    int chat = Integer.getInteger("chat.port", 8281);
    int tokens = Integer.getInteger("tokens", 200);
    int longTokens = Integer.getInteger("long.tokens", 1000);
    List<Integer> levels = ints(System.getProperty("levels", "1,20,50,200,500"));
    List<Integer> splitLevels = ints(System.getProperty("split.levels", "20,200"));
    System.out.printf(
        "answers of %d tokens (first after %s ms, then one per %s ms), starts spread over %d ms,"
            + " %s frames, permessage-deflate %s%n",
        tokens,
        System.getProperty("model.first", "?"),
        System.getProperty("model.gap", "?"),
        windowNanos / 1_000_000,
        msgpack ? "MessagePack" : "JSON",
        deflate ? "offered" : "not offered");
    // Its figures differ between versions (the embedded 6.2 where no redis-server is installed).
    Matcher version = Pattern.compile("redis_version:(\\S+)").matcher(redisInfo("server"));
    System.out.println("Redis " + (version.find() ? version.group(1) : "of unknown version"));
    rss("RSS after start");
    wakeUps();

    // At least warmup.s, then until the JIT compiler threads' share of the path's CPU in a round
    // falls under warmup.jit percent (a server that has run for a while has compiled its hot
    // code), but no longer than warmup.max.s. Each row below still shows what the JIT cost in it.
    long warmupStart = System.nanoTime();
    long least = warmupStart + TimeUnit.SECONDS.toNanos(Long.getLong("warmup.s", 60));
    long most = warmupStart + TimeUnit.SECONDS.toNanos(Long.getLong("warmup.max.s", 600));
    double jitGoal = Double.parseDouble(System.getProperty("warmup.jit", "8"));
    int rounds = 0;
    double jitShare = 100;
    while (System.nanoTime() < least || (jitShare >= jitGoal && System.nanoTime() < most)) {
      Phase throughGateway = phase(100, tokens, () -> turn(gateway, tokens));
      Phase straight = phase(100, tokens, () -> turn(chat, tokens));
      phase(50, tokens, () -> direct(tokens));
      jitShare =
          100.0
              * (throughGateway.pathNanos(1) + straight.pathNanos(1))
              / Math.max(1, throughGateway.cpuNanos(null) + straight.cpuNanos(null));
      rounds++;
    }
    System.out.printf(
        "warm-up: %d rounds of 100 + 100 + 50 streams in %d s; the JIT compiler threads' share of"
            + " the path's CPU in the last round %.2f %% (goal under %s %%)%n",
        rounds,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - warmupStart),
        jitShare,
        System.getProperty("warmup.jit", "8"));
    idle("right after the warm-up", Long.getLong("idle.s", 20));

    System.out.printf(
        "%n%7s %-9s %15s %15s %11s %-17s %-36s%n",
        "streams",
        "path",
        "TTFT p50/p99",
        "added p50/p99",
        "gap p99 +",
        "lost/dup/ord/fail",
        "CPU µs per token: gw/cw/ai/redis = total");
    Map<Integer, Phase> viaGateway = new LinkedHashMap<>();
    for (int n : levels) {
      Phase reference = phase(n, tokens, () -> direct(tokens));
      Phase through = phase(n, tokens, () -> turn(gateway, tokens));
      Phase straight = phase(n, tokens, () -> turn(chat, tokens));
      Phase open = phase(n, tokens, () -> openTurn(chat, tokens));
      closeOpenSockets();
      print("model", reference, null, tokens);
      print("gateway", through, reference, tokens);
      print("chat-ws", straight, reference, tokens);
      print("cw-open", open, reference, tokens);
      // JIT left out: one round's compiling swings a turn's CPU by milliseconds.
      System.out.printf(
          "%7d %-9s the connection's CPU %.0f µs per turn (chat-ws minus cw-open, JIT left out)%n%n",
          n, "split", (straight.withoutJitNanos() - open.withoutJitNanos()) / 1e3 / n);
      viaGateway.put(n, through);
    }

    if (!splitLevels.isEmpty()) {
      System.out.printf(
          "CPU per turn through the gateway, %d against %d tokens: fixed per turn + marginal per"
              + " token%n",
          tokens, longTokens);
      for (int n : splitLevels) {
        Phase shorter =
            viaGateway.containsKey(n)
                ? viaGateway.get(n)
                : phase(n, tokens, () -> turn(gateway, tokens));
        Phase longer = phase(n, longTokens, () -> turn(gateway, longTokens));
        print("gw " + longTokens, longer, null, longTokens);
        double marginal = (longer.perTurn() - shorter.perTurn()) / (longTokens - tokens);
        double fixed = shorter.perTurn() - marginal * tokens;
        System.out.printf(
            "%7d %-9s fixed %.0f µs per turn, marginal %.1f µs per token%n%n",
            n, "split", fixed, marginal);
      }
    }
    rss("RSS after the run");
    // An idle suite is one without traffic for a while: right after a load, the JIT still compiles
    // what the load made hot (a one-off cost) and the turns' keys still expire.
    long settle = Long.getLong("settle.s", 120);
    if (settle > 0) {
      TimeUnit.SECONDS.sleep(settle); // the settling time, not a wait for a result
      idle(settle + " s after the last stream", Long.getLong("idle.s", 20));
    }
  }

  // ---- phases ----

  /** Starts {@code n} streams evenly over the window and waits for all of them. */
  private Phase phase(int n, int tokens, Supplier<Supplier<CompletableFuture<Run>>> streams)
      throws Exception {
    List<Supplier<CompletableFuture<Run>>> ready = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ready.add(streams.get()); // tokens signed before the clock starts
    }
    Map<String, long[]> before = ticks();
    Map<String, long[]> commandsBefore = redisCommands();
    List<CompletableFuture<Run>> runs = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + windowNanos * i / n;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // the arrival schedule, not a wait for a result
      }
      CompletableFuture<Run> run = new CompletableFuture<>();
      Supplier<CompletableFuture<Run>> stream = ready.get(i);
      vertx.runOnContext(
          v ->
              stream
                  .get()
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          run.complete(new Run(0, List.of(), "", false));
                          System.err.println("stream failed: " + e.getMessage());
                        } else {
                          run.complete(r);
                        }
                      }));
      runs.add(run);
    }
    List<Run> done = new ArrayList<>();
    for (CompletableFuture<Run> run : runs) {
      done.add(run.get(5, TimeUnit.MINUTES));
    }
    // The work a turn does after its last event (storing the answer) belongs to the phase too.
    TimeUnit.MILLISECONDS.sleep(Long.getLong("settle.ms", 500));
    Map<String, long[]> after = ticks();
    return new Phase(n, tokens, done, minus(after, before), minus(redisCommands(), commandsBefore));
  }

  private static Map<String, long[]> minus(Map<String, long[]> after, Map<String, long[]> before) {
    Map<String, long[]> spent = new LinkedHashMap<>();
    after.forEach(
        (name, t) -> {
          long[] b = before.getOrDefault(name, new long[t.length]);
          long[] d = new long[t.length];
          for (int i = 0; i < t.length; i++) {
            d[i] = t[i] - b[i];
          }
          spent.put(name, d);
        });
    return spent;
  }

  /** Calls and microseconds of each Redis command so far ({@code INFO commandstats}). */
  private static Map<String, long[]> redisCommands() throws IOException {
    Map<String, long[]> stats = new LinkedHashMap<>();
    Matcher m = COMMAND_STAT.matcher(redisInfo("commandstats"));
    while (m.find()) {
      stats.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
    }
    return stats;
  }

  /** One section of Redis's {@code INFO}. */
  private static String redisInfo(String section) throws IOException {
    try (Socket redis = new Socket("127.0.0.1", Integer.getInteger("redis.port", 6391))) {
      redis
          .getOutputStream()
          .write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(redis.getInputStream(), StandardCharsets.US_ASCII));
      int length = Integer.parseInt(in.readLine().substring(1));
      char[] body = new char[length];
      for (int read = 0; read < length; ) {
        read += in.read(body, read, length - read);
      }
      return new String(body);
    }
  }

  /**
   * Per process so far: CPU ticks of all threads, of its JIT compiler threads, in the kernel, and
   * the times its threads were put on a CPU (schedstat's third field: wake-ups and preemptions).
   */
  private Map<String, long[]> ticks() throws IOException {
    Map<String, long[]> ticks = new LinkedHashMap<>();
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      long jit = 0;
      long runs = runsSoFar.getOrDefault(p.getKey(), 0L);
      try (var tasks = Files.list(Path.of("/proc/" + p.getValue() + "/task"))) {
        for (Path task : tasks.toList()) {
          try {
            String stat = Files.readString(task.resolve("stat"));
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
              jit += cpuTicks(stat);
            }
            // A thread's count since it was last read (all of it for one started since), so a
            // thread that ended takes nothing away.
            long count =
                Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[2]);
            Long before = runsSeen.put(task, count);
            runs += count - (before == null ? 0 : before);
          } catch (IOException gone) {
            // a thread that ended meanwhile
          }
        }
      }
      String[] stat = statFields(Files.readString(Path.of("/proc/" + p.getValue() + "/stat")));
      long system = Long.parseLong(stat[12]);
      runsSoFar.put(p.getKey(), runs);
      ticks.put(p.getKey(), new long[] {Long.parseLong(stat[11]) + system, jit, system, runs});
    }
    return ticks;
  }

  /** utime + stime (fields 14 and 15 of a stat line). */
  private static long cpuTicks(String stat) {
    String[] fields = statFields(stat);
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** The fields of a stat line after the command name: [11] is utime, [12] stime. */
  private static String[] statFields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * What waking a sleeping thread costs on this machine, the unit the low-load and idle figures are
   * made of: a thread's own CPU (ThreadMXBean: user and kernel) per wake-up, woken by its timer
   * every 50 ms, and woken by another thread's hand-off every 2 ms (as a socket's event loop is by
   * another thread's write).
   */
  private static void wakeUps() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int n = 100;
    long before = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      LockSupport.parkNanos(50_000_000L); // the timer being measured
    }
    double timer = (threads.getCurrentThreadCpuTime() - before) / 1e3 / n;
    CompletableFuture<Long> woken = new CompletableFuture<>();
    Thread sleeper =
        new Thread(
            () -> {
              long start = threads.getCurrentThreadCpuTime();
              for (int i = 0; i < 10 * n; i++) {
                LockSupport.park(); // until the hand-off below (or, rarely, spuriously)
              }
              woken.complete(threads.getCurrentThreadCpuTime() - start);
            });
    sleeper.start();
    while (!woken.isDone()) {
      TimeUnit.MILLISECONDS.sleep(2); // the sleeper goes back to sleep in between
      LockSupport.unpark(sleeper);
    }
    System.out.printf(
        "one wake-up of a sleeping thread costs it %.0f µs of CPU by its own timer, %.0f µs by"
            + " another thread's hand-off%n",
        timer, woken.get() / 1e3 / (10 * n));
  }

  private void idle(String when, long seconds) throws Exception {
    Map<String, long[]> before = ticks();
    TimeUnit.SECONDS.sleep(seconds); // the measured window
    Map<String, long[]> after = ticks();
    StringBuilder each = new StringBuilder();
    double total = 0;
    long woken = 0;
    for (String name : after.keySet()) {
      double share = (after.get(name)[0] - before.get(name)[0]) * TICK_NANOS / (seconds * 1e7);
      total += share;
      woken += after.get(name)[3] - before.get(name)[3];
      each.append(String.format(" %s %.2f%%", name, share));
    }
    System.out.printf(
        "idle CPU %s, over %d s, %% of one core: %.2f%% (%s), %d wake-ups a second%n",
        when, seconds, total, each.toString().trim(), woken / seconds);
  }

  private void rss(String title) throws IOException {
    StringBuilder line = new StringBuilder(title + ", MB:");
    for (Map.Entry<String, Long> p : pids.entrySet()) {
      for (String l : Files.readAllLines(Path.of("/proc/" + p.getValue() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          line.append(String.format(" %s %d", p.getKey(), kb / 1024));
        }
      }
    }
    System.out.println(line);
  }

  // ---- streams ----

  /** One answer read from the fake model directly over SSE. */
  private Supplier<CompletableFuture<Run>> direct(int tokens) {
    return () -> read(tokens);
  }

  private CompletableFuture<Run> read(int tokens) {
    CompletableFuture<Run> result = new CompletableFuture<>();
    String body =
        "{\"model\":\"fake\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench"
            + " #tokens="
            + tokens
            + "\"}]}";
    Timing timing = new Timing(System.nanoTime());
    StringBuilder text = new StringBuilder();
    model
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(modelHost)
                .setPort(modelPort)
                .setURI("/v1/chat/completions")
                .putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(body))
        .onSuccess(
            response -> {
              RecordParser lines =
                  RecordParser.newDelimited(
                      "\n",
                      line -> {
                        Matcher m = CONTENT.matcher(line.toString());
                        if (m.find()) {
                          timing.arrived();
                          text.append(m.group(1));
                        }
                      });
              response.handler(lines);
              response.endHandler(v -> result.complete(timing.run(text.toString(), true)));
              response.exceptionHandler(result::completeExceptionally);
            })
        .onFailure(result::completeExceptionally);
    return result;
  }

  /** A turn for a new user, its token signed now (not on the clock). */
  private Supplier<CompletableFuture<Run>> turn(int port, int tokens) {
    String token = newUserToken();
    return () -> turn(port, tokens, token);
  }

  private String newUserToken() {
    String user = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    return Tokens.issue(key, user, Set.of("member"), Duration.ofHours(1), Instant.now());
  }

  /**
   * A turn on a socket opened (and pinged end to end) before the phase's CPU is read, as a browser
   * tab that has been open for a while sends a prompt: the turn's cost without the connection's.
   * The socket stays open until the phase is over ({@link #closeOpenSockets}).
   */
  private Supplier<CompletableFuture<Run>> openTurn(int port, int tokens) {
    TurnClient turn = new TurnClient(tokens, true);
    connect(port, turn, newUserToken());
    turn.ready.join();
    return () -> {
      turn.prompt();
      return turn.result;
    };
  }

  private final List<WebSocket> openSockets = new ArrayList<>();

  private void closeOpenSockets() {
    synchronized (openSockets) {
      openSockets.forEach(s -> s.close((short) 1000, "done"));
      openSockets.clear();
    }
  }

  /** One turn over a new WebSocket, as a browser tab that sends one prompt. */
  private CompletableFuture<Run> turn(int port, int tokens, String token) {
    TurnClient turn = new TurnClient(tokens, false);
    connect(port, turn, token);
    return turn.result;
  }

  private void connect(int port, TurnClient turn, String token) {
    sockets
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/ws/chat?access_token=" + token)
                .addSubProtocol(msgpack ? FrameCodec.MSGPACK : FrameCodec.JSON))
        .onSuccess(turn::opened)
        .onFailure(
            e -> {
              turn.ready.completeExceptionally(e);
              turn.result.completeExceptionally(e);
            });
  }

  /**
   * The client side of one turn: pings, then prompts once the pong shows the path is open, or, on a
   * socket kept {@code open}, when the phase's schedule says.
   */
  private final class TurnClient {
    final CompletableFuture<Run> result = new CompletableFuture<>();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final StringBuilder text = new StringBuilder();
    final int tokens;
    final boolean open;
    WebSocket socket;
    volatile Timing timing;

    TurnClient(int tokens, boolean open) {
      this.tokens = tokens;
      this.open = open;
    }

    void opened(WebSocket socket) {
      this.socket = socket;
      socket.textMessageHandler(t -> frame(() -> FrameCodec.fromJson(t)));
      socket.binaryMessageHandler(b -> frame(() -> FrameCodec.fromMsgpack(b.getBytes())));
      if (open) {
        synchronized (openSockets) {
          openSockets.add(socket);
        }
      }
      socket.closeHandler(
          v -> {
            ready.completeExceptionally(new IllegalStateException("closed"));
            if (!result.isDone()) {
              result.completeExceptionally(
                  new IllegalStateException("closed with " + socket.closeStatusCode()));
            }
          });
      // A browser's socket is open well before its user sends a prompt: a ping answered end to
      // end (through the gateway's proxy too) shows this one is, and the clock starts after it.
      send(new Frame.Ping(System.currentTimeMillis()));
    }

    void send(Frame frame) {
      if (msgpack) {
        socket.writeBinaryMessage(Buffer.buffer(FrameCodec.toMsgpack(frame)));
      } else {
        socket.writeTextMessage(FrameCodec.toJson(frame));
      }
    }

    void frame(Decoder decoder) {
      try {
        Frame frame = decoder.decode();
        if (frame instanceof Frame.Pong && !ready.isDone()) {
          ready.complete(null);
          if (!open) {
            prompt();
          }
        } else if (frame instanceof Frame.Delta delta) {
          timing.arrived();
          text.append(delta.text());
        } else if (frame instanceof Frame.Restart) {
          text.setLength(0);
        } else if (frame instanceof Frame.TurnEvent e && e.isFinal()) {
          end(e instanceof Frame.Done);
        } else if (frame instanceof Frame.Error e) {
          System.err.println("error frame: " + e.code() + " " + e.message());
          end(false);
        }
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }

    void prompt() {
      timing = new Timing(System.nanoTime());
      send(
          new Frame.Prompt(
              UUID.randomUUID().toString(),
              UUID.randomUUID().toString(),
              // Unique, so no answer comes from the cache of answers.
              "bench " + UUID.randomUUID() + " #tokens=" + tokens,
              null));
    }

    void end(boolean ok) {
      result.complete(
          timing == null ? new Run(0, List.of(), "", false) : timing.run(text.toString(), ok));
      if (!open) {
        socket.close((short) 1000, "done");
      }
    }
  }

  private interface Decoder {
    Frame decode() throws Exception;
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

  // ---- printing ----

  private static void print(String path, Phase phase, Phase reference, int tokens) {
    List<Run> runs = phase.runs().stream().filter(Run::ok).toList();
    long failed = phase.runs().size() - runs.size();
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
    String added = "";
    String gap = "";
    if (reference != null) {
      List<Run> ref = reference.runs().stream().filter(Run::ok).toList();
      added =
          String.format(
              "%.1f / %.1f",
              pct(ttft(runs), 50) - pct(ttft(ref), 50), pct(ttft(runs), 99) - pct(ttft(ref), 99));
      gap = String.format("%.2f", pct(gaps(runs), 99) - pct(gaps(ref), 99));
    }
    String cpu = "";
    if (!path.equals("model")) {
      StringBuilder each = new StringBuilder();
      for (String name : PATH) {
        each.append(each.isEmpty() ? "" : "/").append(String.format("%.0f", phase.perToken(name)));
      }
      long delivered = runs.size() * (long) tokens;
      StringBuilder woken = new StringBuilder();
      for (String name : PATH) {
        long[] t = phase.ticks().get(name);
        woken
            .append(woken.isEmpty() ? "" : "/")
            .append(String.format("%.1f", t == null ? 0 : t[3] / (double) delivered));
      }
      cpu =
          String.format(
              "%s = %.0f (JIT %.0f, kernel %.0f; wake-ups per token %s)",
              each,
              phase.perToken(null),
              phase.pathNanos(1) / 1e3 / delivered,
              phase.pathNanos(2) / 1e3 / delivered,
              woken);
    }
    if (!path.equals("model") && !runs.isEmpty()) {
      long delivered = runs.size() * (long) tokens;
      StringBuilder top = new StringBuilder();
      phase.redisCommands().entrySet().stream()
          .filter(e -> e.getValue()[0] > 0)
          .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
          .limit(4)
          .forEach(
              e ->
                  top.append(
                      String.format(
                          " %s %.2f calls %.1f µs,",
                          e.getKey(),
                          e.getValue()[0] / (double) delivered,
                          e.getValue()[1] / (double) delivered)));
      cpu += "  | Redis per token:" + top.substring(0, Math.max(0, top.length() - 1));
    }
    System.out.printf(
        "%7d %-9s %15s %15s %11s %-17s %s%n",
        phase.streams(),
        path,
        String.format("%.1f / %.1f", pct(ttft(runs), 50), pct(ttft(runs), 99)),
        added,
        gap,
        lost + "/" + dup + "/" + reordered + "/" + failed,
        cpu);
  }

  private static List<Long> ttft(List<Run> runs) {
    return runs.stream().map(Run::firstTokenNanos).toList();
  }

  private static List<Long> gaps(List<Run> runs) {
    List<Long> gaps = new ArrayList<>();
    runs.forEach(r -> gaps.addAll(r.gapsNanos()));
    return gaps;
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

  private static List<Integer> ints(String list) {
    return list.isBlank()
        ? List.of()
        : Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }
}
