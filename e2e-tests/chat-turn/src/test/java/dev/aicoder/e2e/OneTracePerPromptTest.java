package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.e2e.OtlpReceiver.ReceivedSpan;
import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.localredis.LocalRedis;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One prompt through the packaged gateway, chat-websocket and ai-streaming, each exporting its
 * spans with OTLP {@code http/protobuf} as a cluster's collector would receive them: they form one
 * trace from the gateway's {@code /ws} proxy hop down to the model call, whose trace context
 * reaches the model server, and no span carries a secret or the prompt.
 */
class OneTracePerPromptTest {

  private static final String MODEL_API_KEY = "sk-e2e-model-key-4f1c9a";

  /** A phrase only the prompt has, so finding it anywhere means the prompt leaked. */
  private static final String PROMPT_MARKER = "violet-harbour-lantern";

  private static OtlpReceiver otlp;
  private static LocalRedis redis;
  private static FakeLlm model;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static ServiceProcess gateway;

  @BeforeAll
  static void start() throws Exception {
    otlp = OtlpReceiver.start();
    redis = LocalRedis.startOnFreePort();
    model = FakeLlm.start(new Script(20, 5, 5));
    int gatewayPort = ServiceProcess.freePort();
    ServiceProcess chat =
        start(
            "chat-websocket",
            ServiceProcess.freePort(),
            Map.of("quarkus.redis.hosts", redis.url()),
            Map.of());
    ServiceProcess worker =
        start(
            "ai-streaming",
            ServiceProcess.freePort(),
            Map.of(
                "quarkus.redis.hosts",
                redis.url(),
                "aicoder.ai.llm.base-url",
                model.baseUrl(),
                "aicoder.ai.llm.model",
                "fake",
                "aicoder.ai.gateway-url",
                "http://localhost:" + gatewayPort),
            Map.of("AI_CODER_LLM_API_KEY", MODEL_API_KEY));
    Map<String, String> settings =
        new HashMap<>(GatewayApi.settings(redis.url(), GatewayApi.freshFolder("traces")));
    settings.put("aicoder.gateway.chat-websocket-url", "http://localhost:" + chat.port);
    settings.put("aicoder.gateway.ai-streaming-url", "http://localhost:" + worker.port);
    gateway = start("gateway", gatewayPort, settings, Map.of());
  }

  /** Starts a service that exports its spans to the receiver, configured as the chart does it. */
  private static ServiceProcess start(
      String service, int port, Map<String, String> props, Map<String, String> env)
      throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint());
    all.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    // Only so the spans arrive sooner than the default 5 s batches.
    all.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
    ServiceProcess process = ServiceProcess.start(service, "traces-" + service, port, props, all);
    services.add(process);
    return process;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : services) {
      c.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {model, redis, otlp}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void onePromptIsOneTraceFromTheGatewayToTheModel() throws Exception {
    String token = GatewayApi.login(gateway.port);
    String prompt = "Explain the " + PROMPT_MARKER + " pattern #tokens=5";
    String turnId;
    try (WsClient browser =
        WsClient.connect(GatewayApi.uri(gateway.port, "/"), token, FrameCodec.JSON)) {
      browser.send(
          new Frame.Prompt(
              UUID.randomUUID().toString(), UUID.randomUUID().toString(), prompt, null));
      turnId = browser.next(Frame.Accepted.class).turnId();
      while (!(browser.next() instanceof Frame.Done)) {
        // deltas
      }
    }

    // The model server saw the trace: the span that called it is the model call.
    RedisProcess.await(
        Duration.ofSeconds(5), "a traceparent at the model", () -> !model.traceparents().isEmpty());
    String[] seenByModel = model.traceparents().get(0).split("-");
    String traceId = seenByModel[1];
    String modelCallId = seenByModel[2];

    // Spans come in batches from three processes: wait until the trace is whole.
    try {
      RedisProcess.await(
          Duration.ofSeconds(20),
          "one connected trace with the gateway, chat-websocket, ai-streaming and the model call",
          () -> {
            List<ReceivedSpan> trace = trace(traceId);
            Set<String> services =
                trace.stream().map(ReceivedSpan::service).collect(Collectors.toSet());
            return services.containsAll(Set.of("gateway", "chat-websocket", "ai-streaming"))
                && byId(trace).containsKey(modelCallId)
                && roots(trace).size() == 1;
          });
    } catch (AssertionError incomplete) {
      throw new AssertionError(
          incomplete.getMessage() + "; trace " + traceId + ":\n" + dump(trace(traceId)));
    }
    List<ReceivedSpan> trace = trace(traceId);
    String dump = dump(trace);
    Map<String, ReceivedSpan> byId = byId(trace);

    assertThat(roots(trace))
        .as("one root, every other span's parent is in the trace:\n" + dump)
        .hasSize(1);
    ReceivedSpan modelCall = byId.get(modelCallId);
    assertThat(modelCall.service()).as(dump).isEqualTo("ai-streaming");
    assertThat(modelCall.kind()).as(dump).isEqualTo(SpanKind.SPAN_KIND_CLIENT);

    // From the model call up to the root: ai-streaming, then chat-websocket, then the gateway.
    List<String> hops = new ArrayList<>();
    for (ReceivedSpan s = modelCall; s != null; s = byId.get(s.parentSpanId())) {
      if (hops.isEmpty() || !hops.get(hops.size() - 1).equals(s.service())) {
        hops.add(s.service());
      }
    }
    assertThat(hops)
        .as("the services from the model call up to the root:\n" + dump)
        .containsExactly("ai-streaming", "chat-websocket", "gateway");
    assertThat(trace)
        .as(
            "the gateway's proxy hop, chat-websocket's prompt and ai-streaming's turn carry the turn id")
        .filteredOn(s -> turnId.equals(s.attributes().get("aicoder.turn.id")))
        .extracting(ReceivedSpan::service)
        .contains("gateway", "chat-websocket", "ai-streaming");
    assertThat(trace)
        .filteredOn(
            s -> s.service().equals("chat-websocket") && s.kind() == SpanKind.SPAN_KIND_PRODUCER)
        .as("chat-websocket's prompt span")
        .isNotEmpty();
    assertThat(trace)
        .filteredOn(
            s -> s.service().equals("ai-streaming") && s.kind() == SpanKind.SPAN_KIND_CONSUMER)
        .as("ai-streaming's turn span")
        .isNotEmpty();

    // No secret and no prompt in any attribute of any span received, this trace's or another's.
    Map<String, String> secrets =
        Map.of(
            "the access token", token,
            "the admin password", GatewayApi.ADMIN_PASSWORD,
            "the model API key", MODEL_API_KEY,
            "the prompt", PROMPT_MARKER);
    for (ReceivedSpan span : otlp.spans()) {
      span.attributes()
          .forEach(
              (key, value) ->
                  secrets.forEach(
                      (what, secret) ->
                          assertThat(value)
                              .as("%s in %s of %s", what, key, span)
                              .doesNotContain(secret)));
    }
    assertThat(otlp.problems()).as("exports the receiver could not read").isEmpty();

    // The stream readers poll Redis all the time: none of those polls may be a trace of its own.
    assertThat(otlp.spans())
        .filteredOn(
            s ->
                "redis".equals(s.attributes().get("db.system"))
                    || "redis".equals(s.attributes().get("db.system.name")))
        .as("Redis commands outside a prompt's trace")
        .allSatisfy(s -> assertThat(s.parentSpanId()).as(s.toString()).isNotEmpty());
  }

  private static List<ReceivedSpan> trace(String traceId) {
    return otlp.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private static String dump(List<ReceivedSpan> trace) {
    return trace.stream().map(ReceivedSpan::toString).collect(Collectors.joining("\n"));
  }

  private static Map<String, ReceivedSpan> byId(List<ReceivedSpan> trace) {
    return trace.stream()
        .collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity(), (a, b) -> a));
  }

  /** The spans whose parent is not in the trace. */
  private static List<ReceivedSpan> roots(List<ReceivedSpan> trace) {
    Map<String, ReceivedSpan> byId = byId(trace);
    return trace.stream().filter(s -> !byId.containsKey(s.parentSpanId())).toList();
  }
}
