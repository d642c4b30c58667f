package dev.aicoder.chaos;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis (append-only file in the run folder), the fake model, and two of each service as processes
 * from their packaged jars: gateway N proxies {@code /ws/chat} to chat-websocket N.
 */
final class Cluster implements AutoCloseable {

  static final String ADMIN = "admin";
  private static final Duration READY = Duration.ofSeconds(120);

  final LocalRedis redis;
  final FakeLlm model;
  final List<Service> gateways;
  final List<Service> chats;
  final List<Service> workers;
  private final String adminPassword;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Cluster(
      LocalRedis redis,
      FakeLlm model,
      List<Service> gateways,
      List<Service> chats,
      List<Service> workers,
      String adminPassword) {
    this.redis = redis;
    this.model = model;
    this.gateways = gateways;
    this.chats = chats;
    this.workers = workers;
    this.adminPassword = adminPassword;
  }

  /** Starts everything and waits until each service is ready. */
  static Cluster start(ChaosConfig config, Path runDir) throws Exception {
    Path root = repositoryRoot();
    Files.createDirectories(runDir);
    LocalRedis redis = LocalRedis.startPersistent(config.redisPort(), runDir.resolve("redis"));
    FakeLlm model =
        FakeLlm.start(
            new Script(config.firstTokenMs(), config.gapMs(), config.tokens()), config.basePort());
    String password = "chaos-" + Long.toHexString(System.nanoTime());
    Map<String, String> common = new HashMap<>();
    common.put("REDIS_HOST", "127.0.0.1");
    common.put("REDIS_PORT", Integer.toString(config.redisPort()));
    common.put("AI_CODER_INTERNAL_TOKEN", "chaos-internal-" + Long.toHexString(System.nanoTime()));
    int p = config.basePort();
    int[] gw = {p + 1, p + 2};
    int[] ws = {p + 3, p + 4};
    int[] ai = {p + 5, p + 6};

    Map<String, String> workerEnv = new HashMap<>(common);
    workerEnv.put("AI_CODER_LLM_BASE_URL", model.baseUrl());
    workerEnv.put("AI_CODER_LLM_MODEL", "fake");
    workerEnv.put("AI_CODER_LLM_API_KEY", "chaos");
    workerEnv.put("AICODER_CLAIM_IDLE", config.claimIdle().toMillis() + "ms");
    workerEnv.put("AI_CODER_MAX_TURN_DURATION", config.maxTurnDuration().toMillis() + "ms");
    workerEnv.put("GATEWAY_URL", "http://127.0.0.1:" + gw[0]);
    workerEnv.put("MAX_CONCURRENT_STREAMS", "128");

    Map<String, String> chatEnv = new HashMap<>(common);
    chatEnv.put("AI_CODER_MAX_CONNECTIONS_PER_USER", "1000");
    chatEnv.put("AICODER_PROMPTS_PER_MINUTE", "100000");

    Map<String, String> gatewayEnv = new HashMap<>(common);
    gatewayEnv.put("AI_CODER_ADMIN_USER", ADMIN);
    gatewayEnv.put("AI_CODER_ADMIN_PASSWORD", password);
    gatewayEnv.put("AI_CODER_WORKSPACE_ROOT", runDir.resolve("workspaces").toString());
    gatewayEnv.put("AI_CODER_REQUESTS_PER_USER", "1000000");
    gatewayEnv.put("AI_CODER_REQUESTS_PER_IP", "1000000");
    gatewayEnv.put("AI_STREAMING_URL", "http://127.0.0.1:" + ai[0]);

    Path logs = Files.createDirectories(runDir.resolve("logs"));
    List<Service> workers =
        List.of(
            service(root, "ai-streaming", 1, ai[0], logs, workerEnv),
            service(root, "ai-streaming", 2, ai[1], logs, workerEnv));
    List<Service> chats =
        List.of(
            service(root, "chat-websocket", 1, ws[0], logs, chatEnv),
            service(root, "chat-websocket", 2, ws[1], logs, chatEnv));
    List<Service> gateways = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>(gatewayEnv);
      env.put("CHAT_WEBSOCKET_URL", "http://127.0.0.1:" + ws[i]);
      gateways.add(service(root, "gateway", i + 1, gw[i], logs, env));
    }
    Cluster cluster = new Cluster(redis, model, List.copyOf(gateways), chats, workers, password);
    // Ctrl-C on make chaos must not leave seven processes behind.
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "chaos-cleanup"));
    try {
      for (Service s : cluster.all()) {
        s.start();
      }
      for (Service s : cluster.all()) {
        s.awaitReady(READY);
      }
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static Service service(
      Path root, String kind, int n, int port, Path logs, Map<String, String> env) {
    String name = kind + "-" + n;
    return new Service(
        name,
        root.resolve("services").resolve(kind).resolve("target/quarkus-app/quarkus-run.jar"),
        port,
        logs.resolve(name + ".log"),
        env);
  }

  List<Service> all() {
    List<Service> all = new java.util.ArrayList<>();
    all.addAll(workers);
    all.addAll(chats);
    all.addAll(gateways);
    return all;
  }

  URI gatewayUri(int index) {
    return URI.create("ws://127.0.0.1:" + gateways.get(index).port + "/ws/chat");
  }

  /**
   * Signs in as the admin through the first gateway, as the web app does, and returns the token.
   */
  String signIn() throws IOException, InterruptedException {
    HttpRequest login =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateways.get(0).port + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"" + ADMIN + "\",\"password\":\"" + adminPassword + "\"}"))
            .build();
    HttpResponse<String> reply =
        HttpClient.newHttpClient().send(login, HttpResponse.BodyHandlers.ofString());
    Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(reply.body());
    if (reply.statusCode() != 200 || !token.find()) {
      throw new IllegalStateException("sign-in failed: " + reply.statusCode() + " " + reply.body());
    }
    return token.group(1);
  }

  /** Kills a service with SIGKILL and starts it again at once; returns when it is ready. */
  Duration killAndRestart(Service service) throws Exception {
    service.kill();
    long start = System.nanoTime();
    service.start();
    service.awaitReady(READY);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Stops Redis and starts it on the same append-only file; returns how long it was away. */
  Duration restartRedis() {
    long start = System.nanoTime();
    redis.stop();
    redis.startProcess();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A worker and how many requests it held (read but not yet acknowledged). */
  record Holder(Service worker, long pending) {}

  /**
   * The worker holding the most pending requests (the one whose kill hurts), waiting up to {@code
   * wait} for one to hold any; read with a plain RESP command.
   */
  Holder busiestWorker(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Holder best;
    do {
      best = new Holder(workers.get(0), 0);
      String reply = pendingSummary();
      for (Service worker : workers) {
        // The summary lists each consumer, then its count; a restarted worker has a suffixed name.
        Matcher m =
            Pattern.compile(Pattern.quote(worker.name) + "(?:-r\\d+)?\\r\\n\\$\\d+\\r\\n(\\d+)")
                .matcher(reply);
        long count = 0;
        while (m.find()) {
          count += Long.parseLong(m.group(1));
        }
        if (count > best.pending()) {
          best = new Holder(worker, count);
        }
      }
      if (best.pending() > 0) {
        return best;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return best;
  }

  private String pendingSummary() {
    try (Socket socket = new Socket("127.0.0.1", redis.port())) {
      OutputStream out = socket.getOutputStream();
      String command = "XPENDING " + Keys.REQUESTS + " " + Keys.GROUP + "\r\n";
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      int n = in.read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ExecutorService stopper = Executors.newFixedThreadPool(6);
    List<Future<?>> stops = new java.util.ArrayList<>();
    for (Service s : all()) {
      stops.add(
          stopper.submit(
              () -> {
                s.stop();
                return null;
              }));
    }
    for (Future<?> stop : stops) {
      try {
        stop.get();
      } catch (Exception e) {
        System.err.println("stopping a service failed: " + e.getMessage());
      }
    }
    stopper.shutdown();
    model.close();
    redis.close();
  }

  /** The repository root: the nearest folder up from here that has services/gateway. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("services/gateway"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("run from inside the AI-Coder repository");
  }
}
