package dev.aicoder.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * No dead panel: the five packaged services, Redis and its exporter run as processes, a real
 * Prometheus scrapes them (with the rule files loaded), a few chat turns go through the gateway,
 * and then every query of every panel of every dashboard must parse and return data.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardLiveTest {

  static final String NAMESPACE = "ai-coder-observability";
  private static final String ADMIN_PASSWORD = "observability-admin-password";
  // Ports of this module's range, 19300-19399.
  private static final int REDIS = 19300;
  private static final int MODEL = 19301;
  private static final int EXPORTER = 19320;
  private static final int PROMETHEUS = 19330;
  private static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("gateway", 19310);
    SERVICES.put("chat-websocket", 19311);
    SERVICES.put("ai-streaming", 19312);
    SERVICES.put("cache", 19313);
    SERVICES.put("metrics", 19314);
  }

  private static final Path EXPORTER_EXECUTABLE = Path.of("/usr/bin/prometheus-redis-exporter");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Everything started, closed in reverse order even when a start fails. */
  private static final Deque<AutoCloseable> started = new ArrayDeque<>();

  private static Prometheus prometheus;

  @BeforeAll
  static void start() throws Exception {
    LocalRedis redis = LocalRedis.start(REDIS);
    started.push(redis);
    FakeLlm model = FakeLlm.start(new Script(30, 5, 40), MODEL);
    started.push(model);
    started.push(
        ToolProcess.start(
            "redis-exporter",
            List.of(
                EXPORTER_EXECUTABLE.toString(),
                "-redis.addr=redis://127.0.0.1:" + REDIS,
                "-web.listen-address=127.0.0.1:" + EXPORTER,
                "-check-single-streams=aicoder:ai:requests",
                "-count-keys=db0=aicoder:cache:*")));
    Path workspaces = Files.createDirectories(Path.of("target", "workspaces").toAbsolutePath());
    Map<String, String> common = new HashMap<>();
    common.put("quarkus.redis.hosts", redis.url());
    common.put("aicoder.internal-token", "observability-internal-token");
    Map<String, Map<String, String>> props = new HashMap<>();
    SERVICES.keySet().forEach(s -> props.put(s, new HashMap<>(common)));
    props.get("ai-streaming").put("aicoder.ai.llm.base-url", model.baseUrl());
    props.get("ai-streaming").put("aicoder.ai.llm.model", "fake");
    props.get("ai-streaming").put("aicoder.ai.instance-id", "ai-streaming-0");
    Map<String, String> gateway = props.get("gateway");
    gateway.put("aicoder.gateway.workspace-root", workspaces.toString());
    gateway.put("aicoder.gateway.auth.admin-user", "admin");
    gateway.put("aicoder.gateway.auth.admin-password", ADMIN_PASSWORD);
    gateway.put("aicoder.gateway.chat-websocket-url", url("chat-websocket"));
    gateway.put("aicoder.gateway.ai-streaming-url", url("ai-streaming"));
    gateway.put("aicoder.gateway.cache-url", url("cache"));
    gateway.put("aicoder.gateway.metrics-url", url("metrics"));

    List<ServiceProcess> services = new ArrayList<>();
    for (var service : SERVICES.entrySet()) {
      ServiceProcess process =
          ServiceProcess.launch(service.getKey(), service.getValue(), props.get(service.getKey()));
      started.push(process);
      services.add(process);
    }
    for (ServiceProcess service : services) {
      service.awaitReady(Duration.ofSeconds(90));
    }

    List<Prometheus.Target> targets = new ArrayList<>();
    SERVICES.forEach(
        (service, port) ->
            targets.add(
                new Prometheus.Target(
                    "ai-coder-" + service,
                    "127.0.0.1:" + port,
                    "/q/metrics",
                    Map.of("namespace", NAMESPACE, "pod", service + "-0", "service", service))));
    targets.add(
        new Prometheus.Target(
            "ai-coder-redis",
            "127.0.0.1:" + EXPORTER,
            "/metrics",
            Map.of("namespace", NAMESPACE, "pod", "redis-0", "service", "redis")));
    prometheus = Prometheus.start(PROMETHEUS, targets, ruleFiles());
    started.push(prometheus);
    awaitScrapesAfter(Instant.now());
  }

  @AfterAll
  static void stop() throws Exception {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }

  /** The rule files the chart ships (not the promtool tests beside them). */
  static List<Path> ruleFiles() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("../grafana/rules"))) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".test.yaml"))
          .sorted()
          .toList();
    }
  }

  private static String url(String service) {
    return "http://127.0.0.1:" + SERVICES.get(service);
  }

  /**
   * Counters of rare events the panels and SLOs rate exist at 0 before their first event: a series
   * born at 1 hides that event from rate() and shows no data until then.
   */
  @Test
  @Order(1)
  void rareEventCountersExistAtZeroBeforeTheirFirstEvent() throws Exception {
    List<String> missing = new ArrayList<>();
    for (String series :
        List.of(
            "aicoder_ws_resumes_total",
            "aicoder_ws_dead_closed_total",
            "aicoder_turn_reclaimed_total",
            "aicoder_turn_ended_total{outcome=\"done\"}",
            "aicoder_turn_ended_total{outcome=\"error\"}",
            "aicoder_turn_ended_total{outcome=\"cancelled\"}")) {
      JsonNode result = prometheus.query(series).path("result");
      if (result.size() != 1 || !"0".equals(result.path(0).path("value").path(1).asText())) {
        missing.add(series + " = " + result);
      }
    }
    assertThat(missing).as("counters not registered at 0 on start").isEmpty();
  }

  @Test
  @Order(2)
  void everyPanelOfEveryDashboardReturnsData() throws Exception {
    // Micrometer registers a tagged counter at its first event, and a rate cannot see the step
    // from no series to 1: the first round creates the series, the second moves them.
    driveTheSuite();
    awaitScrapesAfter(Instant.now());
    driveTheSuite();
    dumpScrapes();

    List<Dashboards.Query> queries = new ArrayList<>();
    Dashboards.all().forEach(d -> queries.addAll(d.queries()));
    assertThat(queries).isNotEmpty();
    // Rates need two scrapes after the turns, recording rules an evaluation more, and the error
    // budget's 1-minute subquery a minute boundary: poll until each query has had data once, or
    // the deadline passes and the failures are the answer.
    Map<Dashboards.Query, String> failures = new LinkedHashMap<>();
    queries.forEach(q -> failures.put(q, "not queried"));
    long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
    while (!failures.isEmpty() && System.nanoTime() < deadline) {
      for (Dashboards.Query query : List.copyOf(failures.keySet())) {
        String problem = problem(query.expr());
        if (problem == null) {
          failures.remove(query);
        } else {
          failures.put(query, problem);
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }

    StringBuilder report = new StringBuilder();
    failures.forEach((q, why) -> report.append("\n  ").append(q).append("\n    -> ").append(why));
    assertThat(failures)
        .as(
            "panels without data (%d of %d queries; scrapes in target/scrapes/):%s",
            failures.size(), queries.size(), report)
        .isEmpty();
  }

  @Test
  @Order(3)
  void everyVariableListsTheSuitesValues() throws Exception {
    Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    List<String> empty = new ArrayList<>();
    for (Dashboards.Dashboard dashboard : Dashboards.all()) {
      for (String name : List.of("namespace", "pod")) {
        JsonNode variable = dashboard.variable(name);
        String query = variable.path("query").path("query").asText(variable.path("query").asText());
        Matcher m = labelValues.matcher(query);
        assertThat(m.matches()).as("%s: $%s is label_values(...)", dashboard.file(), name).isTrue();
        String expr =
            "count by (" + m.group(2) + ") (" + Dashboards.substitute(m.group(1), NAMESPACE) + ")";
        if (problem(expr) != null) {
          empty.add(dashboard.file() + " $" + name + ": " + query);
        }
      }
    }
    assertThat(empty).as("variables that would list nothing").isEmpty();
  }

  /**
   * Waits until Prometheus scraped every target successfully after {@code since}, so what happened
   * before is in its database and an empty panel is the panel's fault.
   */
  private static void awaitScrapesAfter(Instant since) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> behind;
    do {
      behind = new ArrayList<>();
      JsonNode targets = prometheus.targets();
      for (JsonNode target : targets) {
        boolean up = "up".equals(target.path("health").asText());
        if (!up || Instant.parse(target.path("lastScrape").asText()).isBefore(since)) {
          behind.add(target.path("scrapeUrl").asText() + " " + target.path("lastError").asText());
        }
      }
      if (behind.isEmpty() && targets.size() == SERVICES.size() + 1) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("targets not scraped (see target/prometheus.log): " + behind);
  }

  /** Null when the query returns data; else why not. */
  private static String problem(String expr) throws InterruptedException {
    JsonNode data;
    try {
      data = prometheus.query(Dashboards.substitute(expr, NAMESPACE));
    } catch (IllegalArgumentException | java.io.IOException e) {
      return "error: " + e.getMessage();
    }
    JsonNode result = data.path("result");
    if ("scalar".equals(data.path("resultType").asText())) {
      return null;
    }
    if (result.isEmpty()) {
      return "no data";
    }
    for (JsonNode series : result) {
      String value = series.path("value").path(1).asText();
      if (!"NaN".equals(value)) {
        return null;
      }
    }
    return "only NaN (" + result.size() + " series)";
  }

  /**
   * What users do that the panels show: sign-ins (one refused), REST calls that reach cache and
   * metrics, finished turns through the gateway's /ws proxy, a cancelled turn, a turn the model
   * fails, and a resume from a second socket.
   */
  private static void driveTheSuite() throws Exception {
    int gateway = SERVICES.get("gateway");
    assertThat(login("wrong-password").statusCode()).isEqualTo(401);
    HttpResponse<String> signedIn = login(ADMIN_PASSWORD);
    assertThat(signedIn.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(signedIn.body());
    assertThat(m.find()).isTrue();
    String token = m.group(1);
    for (String path : List.of("/api/status", "/api/cache/stats", "/api/performance", "/api/me")) {
      HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway + path))
              .header("Authorization", "Bearer " + token)
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }

    // What ai-streaming does with answers: one stored, found, and one not found.
    String cache = "http://127.0.0.1:" + SERVICES.get("cache") + "/cache/answers/";
    for (var request :
        List.of(
            HttpRequest.newBuilder(URI.create(cache + "live-test"))
                .PUT(HttpRequest.BodyPublishers.ofString("an answer")),
            HttpRequest.newBuilder(URI.create(cache + "live-test")),
            HttpRequest.newBuilder(URI.create(cache + "never-stored")))) {
      HTTP.send(
          request.header("X-AI-Coder-Internal", "observability-internal-token").build(),
          HttpResponse.BodyHandlers.discarding());
    }

    URI base = URI.create("http://127.0.0.1:" + gateway + "/");
    String conversation = UUID.randomUUID().toString();
    String finished;
    try (WsClient browser = WsClient.connect(base, token, FrameCodec.JSON)) {
      finished = turn(browser, conversation, "hello #tokens=40");
      turn(browser, conversation, "and again #tokens=20");

      browser.send(prompt(conversation, "a failing model #fail=400"));
      browser.next(Frame.Error.class);

      browser.send(prompt(conversation, "go on forever #tokens=5000"));
      String cancelled = browser.next(Frame.Accepted.class).turnId();
      browser.next(Frame.Delta.class);
      browser.send(new Frame.Cancel(cancelled));
      browser.next(Frame.Cancelled.class);
    }
    try (WsClient reconnected = WsClient.connect(base, token, FrameCodec.JSON)) {
      reconnected.send(new Frame.Resume(finished, 1));
      reconnected.next(Frame.Done.class);
    }
  }

  /** Sends a prompt and reads its answer to the end; answers the turn id. */
  private static String turn(WsClient browser, String conversation, String text)
      throws InterruptedException {
    browser.send(prompt(conversation, text));
    String turnId = browser.next(Frame.Accepted.class).turnId();
    browser.next(Frame.Done.class);
    return turnId;
  }

  private static Frame.Prompt prompt(String conversation, String text) {
    return new Frame.Prompt(conversation, UUID.randomUUID().toString(), text, null);
  }

  private static HttpResponse<String> login(String password) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + SERVICES.get("gateway") + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Each target's /q/metrics as it is now, to tell a missing metric from a wrong query. */
  private static void dumpScrapes() throws Exception {
    Path folder = Files.createDirectories(Path.of("target", "scrapes"));
    Map<String, String> urls = new LinkedHashMap<>();
    SERVICES.keySet().forEach(s -> urls.put(s, url(s) + "/q/metrics"));
    urls.put("redis-exporter", "http://127.0.0.1:" + EXPORTER + "/metrics");
    for (var target : urls.entrySet()) {
      HttpResponse<String> scrape =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(target.getValue())).build(),
              HttpResponse.BodyHandlers.ofString());
      Files.writeString(folder.resolve(target.getKey() + ".prom"), scrape.body());
    }
  }
}
