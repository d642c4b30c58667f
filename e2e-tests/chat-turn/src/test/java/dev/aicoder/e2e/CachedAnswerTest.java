package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a deterministic prompt asked again is answered from the cache service through the
 * packaged gateway, chat-websocket and ai-streaming, with the same seq stream a model answer has.
 * The two prompts are in two conversations: in one conversation the second prompt would carry the
 * first answer as history, which is another request.
 */
class CachedAnswerTest {

  private static final String INTERNAL_TOKEN = "e2e-internal-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalRedis redis;
  private static FakeLlm model;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static ServiceProcess cache;
  private static ServiceProcess worker;
  private static ServiceProcess gateway;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    model = FakeLlm.start(new Script(20, 5, 20));
    int gatewayPort = 9213;
    Map<String, String> internal = Map.of("AI_CODER_INTERNAL_TOKEN", INTERNAL_TOKEN);
    cache =
        start(
            "cache",
            9210,
            Map.of(
                "quarkus.redis.hosts",
                redis.url(),
                "aicoder.cache.file.dir",
                GatewayApi.freshFolder("cached-answers").toString()),
            internal);
    ServiceProcess chat =
        start("chat-websocket", 9211, Map.of("quarkus.redis.hosts", redis.url()), Map.of());
    Map<String, String> workerEnv = new HashMap<>(internal);
    workerEnv.put("AI_CODER_CACHE_URL", "http://localhost:" + cache.port);
    workerEnv.put("AI_CODER_LLM_TEMPERATURE", "0");
    worker =
        start(
            "ai-streaming",
            9212,
            Map.of(
                "quarkus.redis.hosts",
                redis.url(),
                "aicoder.ai.llm.base-url",
                model.baseUrl(),
                "aicoder.ai.llm.model",
                "fake",
                "aicoder.ai.gateway-url",
                "http://localhost:" + gatewayPort),
            workerEnv);
    Map<String, String> settings =
        new HashMap<>(GatewayApi.settings(redis.url(), GatewayApi.freshFolder("cached")));
    settings.put("aicoder.gateway.chat-websocket-url", "http://localhost:" + chat.port);
    settings.put("aicoder.gateway.ai-streaming-url", "http://localhost:" + worker.port);
    gateway = start("gateway", gatewayPort, settings, Map.of());
  }

  private static ServiceProcess start(
      String service, int port, Map<String, String> props, Map<String, String> env)
      throws Exception {
    ServiceProcess process = ServiceProcess.start(service, "cached-" + service, port, props, env);
    services.add(process);
    return process;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : services) {
      c.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {model, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** The answer's text and final frame, checking seq counts from 1 without gaps. */
  private record Answer(String text, Frame.Done done) {}

  private static Answer ask(WsClient browser, String text) throws Exception {
    Frame.Prompt prompt =
        new Frame.Prompt(
            UUID.randomUUID().toString(), UUID.randomUUID().toString(), text, null, null, true);
    browser.send(prompt);
    String turnId = browser.next(Frame.Accepted.class).turnId();
    StringBuilder answer = new StringBuilder();
    long seq = 0;
    Frame frame;
    while (!((frame = browser.next()) instanceof Frame.Done)) {
      Frame.Delta delta = (Frame.Delta) frame;
      assertThat(delta.turnId()).isEqualTo(turnId);
      assertThat(delta.seq()).isEqualTo(++seq);
      answer.append(delta.text());
    }
    Frame.Done done = (Frame.Done) frame;
    assertThat(done.seq()).isEqualTo(seq + 1);
    return new Answer(answer.toString(), done);
  }

  @Test
  void aRepeatedDeterministicPromptIsAnsweredFromTheCache() throws Exception {
    String text = "What does 2+2 make? " + UUID.randomUUID() + " #tokens=30";
    String token = GatewayApi.login(gateway.port);
    try (WsClient browser =
        WsClient.connect(GatewayApi.uri(gateway.port, "/"), token, FrameCodec.JSON)) {
      Answer first = ask(browser, text);
      assertThat(first.done().usage().cached()).isFalse();
      // The answer is stored after its turn ended, off the turn's path.
      RedisProcess.await(Duration.ofSeconds(10), "the answer stored", () -> stored() >= 1);

      Answer second = ask(browser, text);
      assertThat(second.text()).isEqualTo(first.text()).isEqualTo(FakeLlm.expectedText(30));
      assertThat(second.done().usage().cached()).isTrue();
      assertThat(second.done().usage().outputTokens())
          .isEqualTo(first.done().usage().outputTokens());
    }
    assertThat(model.requests().stream().filter(r -> r.toString().contains(text)).count())
        .as("the model answered once")
        .isEqualTo(1);
    JsonNode answers = cacheStats().path("namespaces").path("answers");
    assertThat(answers.path("hits").asLong())
        .as("the hit came from the cache service")
        .isPositive();
  }

  /** Answers ai-streaming stored, from its Prometheus metrics. */
  private static double stored() {
    try {
      String metrics = get(worker.port, "/q/metrics");
      Matcher m =
          Pattern.compile("aicoder_turn_answer_cache_total\\{[^}]*result=\"stored\"[^}]*} (\\S+)")
              .matcher(metrics);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static JsonNode cacheStats() throws Exception {
    return FrameCodec.json().readTree(get(cache.port, "/cache/stats"));
  }

  private static String get(int port, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(GatewayApi.uri(port, path))
            .header("X-AI-Coder-Internal", INTERNAL_TOKEN)
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
