package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.TestTokens;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: an ai-streaming worker stopped with SIGTERM, as Kubernetes stops a pod, beside another
 * on the same Redis. Its running turn is finished by it within the grace period, or handed over and
 * restarted by the other worker; the viewer gets every token once, ending in {@code done}.
 */
class WorkerShutdownTest {

  /**
   * Shorter than the long answer, longer than the short one; both are longer than claim-idle (2 s),
   * so a worker that stopped keeping its running turn's request fresh would see it claimed.
   */
  private static final Duration GRACE = Duration.ofSeconds(8);

  private static LocalRedis redis;
  private static FakeLlm model;
  private static ServiceProcess chat;
  private static Map<String, String> settings;
  private static final List<ServiceProcess> workers = new ArrayList<>();
  private static int started;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    TestTokens.publish("127.0.0.1", redis.port());
    model = FakeLlm.start(new Script(50, 20, 50));
    settings =
        Map.of(
            "quarkus.redis.hosts",
            redis.url(),
            "aicoder.ai.llm.base-url",
            model.baseUrl(),
            "aicoder.ai.llm.model",
            "fake",
            "aicoder.ai.claim-idle",
            "2s",
            "aicoder.ai.shutdown-grace",
            GRACE.toMillis() + "ms");
    chat =
        ServiceProcess.start(
            "chat-websocket", "shutdown-chat", ServiceProcess.freePort(), settings);
  }

  /** Two live workers before each test; no instance id, so each names itself. */
  @BeforeEach
  void twoWorkers() throws Exception {
    while (workers.size() < 2) {
      workers.add(
          ServiceProcess.start(
              "ai-streaming", "shutdown-ai-" + ++started, ServiceProcess.freePort(), settings));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> all = new ArrayList<>(workers);
    all.addAll(List.of(chat, model, redis));
    for (AutoCloseable c : all) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void aTurnStillRunningAfterTheGracePeriodIsRestartedByTheOtherWorker() throws Exception {
    try (WsClient client = client()) {
      String text = "outlive the grace period " + UUID.randomUUID() + " #tokens=600";
      client.send(prompt(text));
      client.next(Frame.Accepted.class);
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        frames.add(client.next(Frame.Delta.class));
      }
      ServiceProcess owner = owner();
      while (model.awaitClientClose(Duration.ZERO) != null) {
        // closes of earlier tests
      }
      sigterm(owner);
      assertThat(notReadyWithin(owner, Duration.ofSeconds(2)))
          .as("readiness goes down at once")
          .isTrue();
      assertThat(exits(owner, GRACE.plusSeconds(10))).as("the worker exits").isTrue();
      workers.remove(owner);
      assertThat(model.awaitClientClose(Duration.ofSeconds(1)))
          .as("the stopped worker aborted its model call")
          .isNotNull();

      Frame frame;
      do {
        frame = client.next();
        frames.add(frame);
      } while (!(frame instanceof Frame.Done));
      assertEveryEventOnce(frames);
      assertThat(frames)
          .as("the other worker restarted it")
          .anyMatch(Frame.Restart.class::isInstance);
      assertThat(shownText(frames)).isEqualTo(FakeLlm.expectedText(600));
      assertThat(timesAsked(text))
          .as("asked by the stopped worker, then by the other")
          .isEqualTo(2);
    }
  }

  @Test
  void aTurnEndingWithinTheGracePeriodIsFinishedByItsWorker() throws Exception {
    try (WsClient client = client()) {
      String text = "finish before the grace period ends " + UUID.randomUUID() + " #tokens=250";
      client.send(prompt(text));
      client.next(Frame.Accepted.class);
      List<Frame> frames = new ArrayList<>();
      frames.add(client.next(Frame.Delta.class));
      ServiceProcess owner = owner();
      sigterm(owner);
      Frame frame;
      do {
        frame = client.next();
        frames.add(frame);
      } while (!(frame instanceof Frame.Done));
      assertThat(exits(owner, GRACE.plusSeconds(10))).as("the worker exits").isTrue();
      workers.remove(owner);

      assertEveryEventOnce(frames);
      assertThat(frames).noneMatch(Frame.Restart.class::isInstance);
      assertThat(shownText(frames)).isEqualTo(FakeLlm.expectedText(250));
      // Its request was kept fresh while it finished, so no other worker took it meanwhile.
      assertThat(timesAsked(text)).as("asked by its worker only").isEqualTo(1);
    }
  }

  /** SIGTERM, as Kubernetes stops a pod; returns at once. */
  private static void sigterm(ServiceProcess worker) {
    ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroy);
  }

  private static boolean exits(ServiceProcess worker, Duration within) throws Exception {
    var process = ProcessHandle.of(worker.pid());
    try {
      if (process.isPresent()) {
        process.get().onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  private static long timesAsked(String prompt) {
    return model.requests().stream()
        .filter(r -> r.toString().contains(prompt.substring(0, prompt.indexOf(" #"))))
        .count();
  }

  /** Seq counts every event of the turn from 1 without gaps or repeats. */
  private static void assertEveryEventOnce(List<Frame> frames) {
    for (int i = 0; i < frames.size(); i++) {
      assertThat(((Frame.TurnEvent) frames.get(i)).seq()).as("seq of event %d", i).isEqualTo(i + 1);
    }
  }

  /** The answer as a client shows it: the deltas after the last restart. */
  private static String shownText(List<Frame> frames) {
    StringBuilder text = new StringBuilder();
    for (Frame f : frames) {
      if (f instanceof Frame.Restart) {
        text.setLength(0);
      } else if (f instanceof Frame.Delta d) {
        text.append(d.text());
      }
    }
    return text.toString();
  }

  private static boolean notReadyWithin(ServiceProcess worker, Duration within)
      throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://localhost:" + worker.port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
          return true;
        }
      } catch (IOException refused) {
        return true;
      }
    }
    return false;
  }

  /** The worker whose consumer holds the one pending request. */
  private static ServiceProcess owner() throws Exception {
    String pending = resp("XPENDING", "aicoder:ai:requests", "ai-streaming");
    for (ServiceProcess worker : workers) {
      if (pending.contains(consumersOf(worker))) {
        return worker;
      }
    }
    throw new AssertionError("no live worker holds the request: " + pending);
  }

  /** How a worker's consumer name ends: it is named after its host and process. */
  private static String consumersOf(ServiceProcess worker) {
    return "-" + worker.pid() + "\r\n";
  }

  /** One command in plain RESP; the reply as it came, enough to look for a name in it. */
  private static String resp(String... args) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", redis.port())) {
      StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        command.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(command.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      return new String(buffer, 0, in.read(buffer), StandardCharsets.US_ASCII);
    }
  }

  private static WsClient client() {
    return WsClient.connect(
        URI.create("http://localhost:" + chat.port + "/"),
        TestTokens.of("shutdown-user"),
        FrameCodec.JSON);
  }

  private static Frame.Prompt prompt(String text) {
    return new Frame.Prompt(UUID.randomUUID().toString(), UUID.randomUUID().toString(), text, null);
  }
}
