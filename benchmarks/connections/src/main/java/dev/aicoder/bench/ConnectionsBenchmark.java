package dev.aicoder.bench;

import dev.aicoder.auth.AuthKeys;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.FrameException;
import dev.aicoder.protocol.Keys;
import dev.aicoder.protocol.TurnEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Holds many WebSocket connections to one chat-websocket process, measures its memory per idle
 * connection, then fans turn events out to every viewer at a steady rate and measures delivery
 * latency. The clients are Vert.x WebSockets on a few event loops; the fake worker writes turn
 * events into Redis as ai-streaming does, each stamped with its intended send time.
 *
 * <p>Settings are system properties (see {@code run.sh}); the server's pid is needed for its CPU
 * time and memory.
 */
public final class ConnectionsBenchmark {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final String host = System.getProperty("host", "127.0.0.1");
  private final int port = Integer.getInteger("port", 8580);
  private final int redisPort = Integer.getInteger("redis.port", 6395);
  private final long serverPid = Long.getLong("server.pid", 0);
  private final int connections = Integer.getInteger("connections", 10_000);
  private final int conversations = Integer.getInteger("conversations", 100);
  private final int usersPerConversation = Integer.getInteger("users.per.conversation", 10);
  private final int openRate = Integer.getInteger("open.rate", 500);
  private final int holdSeconds = Integer.getInteger("hold.seconds", 70);
  private final int deliveriesPerSecond = Integer.getInteger("deliveries.per.second", 20_000);
  private final int warmupSeconds = Integer.getInteger("warmup.seconds", 15);
  private final int measureSeconds = Integer.getInteger("measure.seconds", 30);
  private final int clockTicks = Integer.getInteger("clk.tck", 100);

  private final Vertx vertx;
  private final WebSocketClient client;
  private final HttpClient http = HttpClient.newHttpClient();
  private RedisConnection redis;
  private final List<String> conversationIds = new ArrayList<>();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  // What the viewers saw, across all of them.
  private final LongAdder ready = new LongAdder();
  private final LongAdder failedOpens = new LongAdder();
  private final LongAdder pongs = new LongAdder();
  private final LongAdder serverPings = new LongAdder();
  private final LongAdder deltas = new LongAdder();
  private final LongAdder measured = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder missing = new LongAdder();
  private final LongAdder errorFrames = new LongAdder();
  private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
  private final Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
  // Worst delivery per second of the window, to tell a steady tail from periodic stalls.
  private final AtomicLongArray worstPerSecond = new AtomicLongArray(3600);
  // When each of the server's heartbeat sweeps (a ping to every connection) began to arrive.
  private final Queue<Long> sweeps = new ConcurrentLinkedQueue<>();
  private final AtomicLong lastPing = new AtomicLong();
  private volatile String firstProblem;
  private final Map<Integer, CompletableFuture<String>> accepted = new ConcurrentHashMap<>();

  // The window whose deliveries count, by the events' intended send time (System.nanoTime()).
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  private ConnectionsBenchmark() {
    vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Integer.getInteger("event.loops", 2)));
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setMaxConnections(connections * 2)
                .setConnectTimeout(60_000));
  }

  public static void main(String[] args) throws Exception {
    ConnectionsBenchmark bench = new ConnectionsBenchmark();
    try {
      bench.run();
    } finally {
      bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void run() throws Exception {
    int viewers = connections / conversations;
    System.out.printf(
        "chat-websocket pid %d on %s:%d; %,d connections = %d conversations x %d viewers"
            + " (%d users each, %d tabs per user)%n",
        serverPid,
        host,
        port,
        connections,
        conversations,
        viewers,
        usersPerConversation,
        viewers / usersPerConversation);
    TestTokens.publish(host, redisPort);
    redis =
        await(
            Redis.createClient(
                    vertx,
                    new RedisOptions()
                        .setConnectionString("redis://" + host + ":" + redisPort)
                        .setMaxWaitingHandlers(1_000_000))
                .connect());
    shareConversations();

    // Warm-up: class loading and JIT on both sides before the baseline, so the baseline is not
    // counted against the connections.
    List<Viewer> warm = open(Math.min(500, connections), "warm-up");
    warm.forEach(v -> v.socket.close());
    waitFor(
        "the warm-up connections to close", 60, () -> serverGauge("aicoder_ws_connections") == 0);

    // (b) memory per idle connection.
    Memory before = memory();
    long readyBefore = ready.sum();
    List<Viewer> all = open(connections, "connections");
    Memory after = memory();
    long opened = ready.sum() - readyBefore;
    System.out.printf(
        "%nmemory before: RSS %,d KB, heap after GC %,d KB; with %,d idle connections:"
            + " RSS %,d KB, heap after GC %,d KB%n",
        before.rssKb, before.heapKb, opened, after.rssKb, after.heapKb);
    // The server's heap is pre-touched (run.sh), so RSS grows only by what lives outside it.
    double heap = (after.heapKb - before.heapKb) / (double) opened;
    double outside = (after.rssKb - before.rssKb) / (double) opened;
    System.out.printf(
        "per idle connection: heap after GC %.1f KB + outside the heap (RSS growth) %.1f KB"
            + " = %.1f KB%n",
        heap, outside, heap + outside);

    // (a) hold them with nothing but heartbeats, then check each still answers.
    closeCodes.clear(); // the warm-up's own closes
    long holdCpu = serverCpuTicks();
    long pingsBefore = serverPings.sum();
    System.out.printf("%nholding for %d s ...%n", holdSeconds);
    Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
    double holdCpuSeconds = (serverCpuTicks() - holdCpu) / (double) clockTicks;
    long openNow = all.stream().filter(v -> v.open).count();
    long pongsBefore = pongs.sum();
    all.stream().filter(v -> v.open).forEach(Viewer::ping);
    waitFor("pongs", 60, () -> pongs.sum() - pongsBefore >= openNow);
    System.out.printf(
        "held %d s: %,d of %,d open (server gauge %d), %,d answered a protocol ping;"
            + " %,d server heartbeat pings received (%.1f per connection); server CPU %.2f s/s;"
            + " closes %s; server closed as dead %d%n",
        holdSeconds,
        openNow,
        opened,
        serverGauge("aicoder_ws_connections"),
        pongs.sum() - pongsBefore,
        serverPings.sum() - pingsBefore,
        (serverPings.sum() - pingsBefore) / (double) Math.max(1, openNow),
        holdCpuSeconds / holdSeconds,
        sorted(closeCodes),
        serverGauge("aicoder_ws_dead_closed_total"));

    // (c) fan-out at a steady rate.
    fanOut(all, viewers);
    if (firstProblem != null) {
      System.out.println("first problem seen: " + firstProblem);
    }
    System.out.printf("error frames: %d%n", errorFrames.sum());
  }

  /** Gives each conversation an owner and shares it with a team of its viewers, as the gateway. */
  private void shareConversations() throws Exception {
    List<Future<?>> writes = new ArrayList<>();
    for (int c = 0; c < conversations; c++) {
      String id = UUID.randomUUID().toString();
      conversationIds.add(id);
      String team = "bench-team-" + c;
      long now = System.currentTimeMillis();
      writes.add(
          redis.send(
              Request.cmd(Command.HSET)
                  .arg(Keys.conversation(id))
                  .arg("owner")
                  .arg(user(c, 0))
                  .arg("team")
                  .arg(team)
                  .arg("createdAt")
                  .arg(now)
                  .arg("updatedAt")
                  .arg(now)));
      Request members = Request.cmd(Command.SADD).arg(AuthKeys.teamMembers(team));
      for (int u = 0; u < usersPerConversation; u++) {
        members.arg(user(c, u));
        // Signed here, not on an event loop while connections open: one token per user.
        tokens.put(user(c, u), TestTokens.of(user(c, u)));
      }
      writes.add(redis.send(members));
    }
    for (Future<?> write : writes) {
      await(write);
    }
  }

  private static String user(int conversation, int user) {
    return "bench-" + conversation + "-" + user;
  }

  /**
   * Opens {@code n} connections at the steady open rate; each joins its conversation and sends a
   * ping, and counts as ready at the pong (frames of one connection are handled in order).
   */
  private List<Viewer> open(int n, String what) throws Exception {
    int viewers = connections / conversations;
    List<Viewer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % conversations;
      int slot = i / conversations; // the conversation's n-th viewer
      all.add(new Viewer(i, c, user(c, slot % usersPerConversation), slot == 0));
    }
    long readyAtStart = ready.sum();
    long failedAtStart = failedOpens.sum();
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    long timer =
        vertx.setPeriodic(
            1,
            id -> {
              long due = (System.nanoTime() - start) * openRate / 1_000_000_000L + 1;
              while (next.get() < Math.min(due, n)) {
                all.get(next.getAndIncrement()).connect();
              }
              if (next.get() >= n) {
                vertx.cancelTimer(id);
              }
            });
    waitFor(
        what + " to open",
        n / openRate + 120,
        () -> ready.sum() - readyAtStart + failedOpens.sum() - failedAtStart >= n);
    vertx.cancelTimer(timer);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s: %,d opened and joined in %.1f s, %,d failed (%d viewers per conversation)%n",
        what, ready.sum() - readyAtStart, seconds, failedOpens.sum() - failedAtStart, viewers);
    return all;
  }

  /**
   * Starts one turn per conversation with a real prompt from its owner's first tab, then writes its
   * events into the turn streams at a steady rate, round-robin over the conversations.
   */
  private void fanOut(List<Viewer> all, int viewers) throws Exception {
    for (Viewer v : all) {
      if (v.prompter) {
        accepted.put(v.conversation, new CompletableFuture<>());
        v.prompt();
      }
    }
    String[] turns = new String[conversations];
    for (int c = 0; c < conversations; c++) {
      turns[c] = accepted.get(c).get(60, TimeUnit.SECONDS);
    }
    int openViewers = (int) all.stream().filter(v -> v.open).count();
    double eventsPerSecond = deliveriesPerSecond / (double) viewers;
    long interval = (long) (1e9 / eventsPerSecond);
    System.out.printf(
        "%nfan-out: %d turns accepted; %.0f events/s into Redis x %d viewers = %,d deliveries/s"
            + " target; %,d viewers open; warm-up %d s, measured %d s%n",
        conversations,
        eventsPerSecond,
        viewers,
        deliveriesPerSecond,
        openViewers,
        warmupSeconds,
        measureSeconds);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    windowStart = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    windowEnd = windowStart + TimeUnit.SECONDS.toNanos(measureSeconds);
    long total = (windowEnd - start) / interval;
    AtomicLong written = new AtomicLong();
    AtomicLong maxLagNanos = new AtomicLong();
    LongAdder writeErrors = new LongAdder();
    long timer =
        vertx.setPeriodic(
            1,
            id -> {
              long now = System.nanoTime();
              for (long k = written.get(); k < total && start + k * interval <= now; k++) {
                long stamp = start + k * interval;
                maxLagNanos.accumulateAndGet(now - stamp, Math::max);
                int c = (int) (k % conversations);
                long seq = k / conversations + 1;
                redis
                    .send(append(new Frame.Delta(turns[c], seq, "t" + stamp + " ")))
                    .onFailure(e -> writeErrors.increment());
                written.set(k + 1);
              }
            });
    // Sample the server's CPU time at the window's edges.
    sleepUntil(windowStart);
    long cpuStart = serverCpuTicks();
    long ownStart = cpuTicks("self");
    sleepUntil(windowEnd);
    long cpuEnd = serverCpuTicks();
    long ownEnd = cpuTicks("self");
    waitFor("the writer to finish", 30, () -> written.get() >= total);
    vertx.cancelTimer(timer);
    long inWindow = total - (windowStart - start + interval - 1) / interval;
    long expected = inWindow * viewers;
    waitFor("the last deliveries", 15, () -> measured.sum() >= expected);
    for (int c = 0; c < conversations; c++) {
      long seq = (total - c + conversations - 1) / conversations + 1;
      Frame.Done done = new Frame.Done(turns[c], seq, new Frame.Usage(1, (int) seq - 1));
      redis.send(append(done));
    }
    Histogram h = latency.getIntervalHistogram();
    double cpuSeconds = (cpuEnd - cpuStart) / (double) clockTicks;
    System.out.printf(
        "measured %d s: %,d of %,d expected deliveries (%,.0f/s), lost %,d, duplicated %,d,"
            + " seq gaps %,d; writer max lag %.1f ms, write errors %d%n",
        measureSeconds,
        measured.sum(),
        expected,
        measured.sum() / (double) measureSeconds,
        Math.max(0, expected - measured.sum()),
        duplicated.sum(),
        missing.sum(),
        maxLagNanos.get() / 1e6,
        writeErrors.sum());
    System.out.printf(
        "delivery latency (intended write -> viewer): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
            + " p99.9 %.2f ms, max %.2f ms%n",
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(90) / 1e3,
        h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3,
        h.getMaxValue() / 1e3);
    StringBuilder worst = new StringBuilder();
    for (int i = 0; i < measureSeconds; i++) {
      worst.append(' ').append(worstPerSecond.get(i) / 1000);
    }
    System.out.printf(
        "worst delivery of each second from %s (ms):%s%n",
        LocalTime.now().minusNanos(System.nanoTime() - windowStart).truncatedTo(ChronoUnit.MILLIS),
        worst);
    System.out.printf(
        "server heartbeat sweeps began at second(s) of the window:%s%n",
        sweeps.stream()
            .filter(t -> t >= windowStart && t < windowEnd)
            .map(t -> String.format(" %.1f", (t - windowStart) / 1e9))
            .reduce("", String::concat));
    System.out.printf(
        "server CPU: %.2f s in %d s (%.2f cores), %.4f CPU s per 1,000 deliveries;"
            + " benchmark client CPU %.2f s%n",
        cpuSeconds,
        measureSeconds,
        cpuSeconds / measureSeconds,
        cpuSeconds / (measured.sum() / 1000.0),
        (ownEnd - ownStart) / (double) clockTicks);
  }

  /** One client connection: a tab watching one conversation. */
  private final class Viewer {
    final int index;
    final int conversation;
    final String user;
    final boolean prompter;
    volatile WebSocket socket;
    volatile boolean open;
    private boolean counted;
    private long nextSeq = 1;
    private final StringBuilder partial = new StringBuilder();

    Viewer(int index, int conversation, String user, boolean prompter) {
      this.index = index;
      this.conversation = conversation;
      this.user = user;
      this.prompter = prompter;
    }

    void connect() {
      client
          .connect(
              new WebSocketConnectOptions()
                  .setURI("/ws/chat?access_token=" + tokens.get(user))
                  .addSubProtocol(FrameCodec.JSON))
          .onSuccess(
              ws -> {
                socket = ws;
                open = true;
                ws.frameHandler(this::frame);
                ws.closeHandler(
                    v -> {
                      open = false;
                      int code = ws.closeStatusCode() == null ? 0 : ws.closeStatusCode();
                      closeCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
                    });
                send(new Frame.Join(conversationIds.get(conversation)));
                ping();
              })
          .onFailure(
              e -> {
                failedOpens.increment();
                problem("open failed: " + e.getMessage());
              });
    }

    void ping() {
      send(new Frame.Ping(System.currentTimeMillis()));
    }

    void prompt() {
      send(
          new Frame.Prompt(
              conversationIds.get(conversation),
              UUID.randomUUID().toString(),
              "benchmark turn",
              null));
    }

    private void send(Frame frame) {
      socket.writeTextMessage(FrameCodec.toJson(frame));
    }

    /** On this connection's event loop: frames arrive one at a time, in order. */
    private void frame(WebSocketFrame frame) {
      if (frame.isPing()) {
        serverPings.increment();
        long now = System.nanoTime();
        long last = lastPing.getAndSet(now);
        if (now - last > TimeUnit.SECONDS.toNanos(5)) {
          sweeps.add(now);
        }
      } else if (frame.isText() || frame.isContinuation()) {
        partial.append(frame.textData());
        if (frame.isFinal()) {
          text(partial.toString());
          partial.setLength(0);
        }
      }
    }

    private void text(String json) {
      int stampAt = json.indexOf("\"text\":\"t");
      if (json.startsWith("{\"type\":\"delta\"") && stampAt > 0) {
        long now = System.nanoTime();
        long stamp = Long.parseLong(json, stampAt + 9, json.indexOf(' ', stampAt), 10);
        int seqAt = json.indexOf("\"seq\":") + 6;
        long seq = Long.parseLong(json, seqAt, json.indexOf(',', seqAt), 10);
        if (seq < nextSeq) {
          duplicated.increment();
          return;
        }
        missing.add(seq - nextSeq);
        nextSeq = seq + 1;
        deltas.increment();
        if (stamp >= windowStart && stamp < windowEnd) {
          measured.increment();
          long micros = Math.max(0, (now - stamp) / 1000);
          latency.recordValue(micros);
          int second = (int) Math.min(3599, (stamp - windowStart) / 1_000_000_000L);
          worstPerSecond.accumulateAndGet(second, micros, Math::max);
        }
        return;
      }
      Frame frame;
      try {
        frame = FrameCodec.fromJson(json);
      } catch (FrameException e) {
        problem("unreadable frame: " + json);
        return;
      }
      if (frame instanceof Frame.Pong) {
        pongs.increment();
        if (!counted) {
          counted = true;
          ready.increment();
        }
      } else if (frame instanceof Frame.Accepted a) {
        accepted.get(conversation).complete(a.turnId());
      } else if (frame instanceof Frame.Error e) {
        errorFrames.increment();
        problem("error frame to viewer " + index + ": " + e.code() + " " + e.message());
      }
    }
  }

  private void problem(String what) {
    if (firstProblem == null) {
      firstProblem = what;
    }
  }

  record Memory(long rssKb, long heapKb) {}

  /** The server's resident set and its heap in use right after a full GC. */
  private Memory memory() throws Exception {
    jcmd("GC.run");
    String heap = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(heap);
    long heapKb = m.find() ? Long.parseLong(m.group(1)) : -1;
    long rssKb = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rssKb = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return new Memory(rssKb, heapKb);
  }

  private String jcmd(String command) throws Exception {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(serverPid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private long serverCpuTicks() throws IOException {
    return cpuTicks(Long.toString(serverPid));
  }

  /** The command that writes a turn event as ai-streaming does ({@link TurnEvents}). */
  private static Request append(Frame.TurnEvent event) {
    Request eval = Request.cmd(Command.EVAL);
    for (String arg : TurnEvents.append(event)) {
      eval.arg(arg);
    }
    return eval;
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  private static long cpuTicks(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** A value of the server's Prometheus metrics (summed over its labels), or -1. */
  private long serverGauge(String name) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = -1;
      for (String line : body.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (long) sum;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static void waitFor(String what, long seconds, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        System.out.printf("(gave up waiting for %s after %d s)%n", what, seconds);
        return;
      }
      Thread.sleep(100);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Map<Integer, Long> sorted(Map<Integer, LongAdder> counts) {
    Map<Integer, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
