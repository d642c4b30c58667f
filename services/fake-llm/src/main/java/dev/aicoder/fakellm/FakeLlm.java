package dev.aicoder.fakellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI-compatible model server for tests and benchmarks: {@code POST /v1/chat/completions}
 * streams Server-Sent Events with controllable timing and failures. Never part of the running
 * product.
 *
 * <p>Behaviour comes from {@link Script} defaults, overridden per request by directives in the last
 * user message, so tests running side by side do not interfere: {@code #tokens=N}, {@code
 * #first=MS}, {@code #gap=MS}, {@code #fail=500}, {@code #fail=429}, {@code #failtimes=N} (fail
 * only the first N attempts for this prompt), {@code #disconnect=N} (drop the connection after N
 * tokens), {@code #hang} (send headers, then nothing), {@code #stall=N} (stop after N tokens but
 * keep the connection open). Like a real server it stops at the request's {@code max_tokens} with
 * finish reason {@code length}, unless the prompt says {@code #ignoremax}.
 */
public final class FakeLlm implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final HttpServer server;
  private final Script defaults;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final List<String> traceparents = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> clientCloses = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  private FakeLlm(Vertx vertx, HttpServer server, Script defaults) {
    this.vertx = vertx;
    this.server = server;
    this.defaults = defaults;
  }

  /** Starts a server on a free loopback port. */
  public static FakeLlm start(Script defaults) {
    return start(defaults, 0);
  }

  /** Starts a server on the given port (0: a free one). */
  public static FakeLlm start(Script defaults, int port) {
    Vertx vertx = Vertx.vertx();
    FakeLlm[] self = new FakeLlm[1];
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(r -> self[0].handle(r))
            .listen(port, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    self[0] = new FakeLlm(vertx, server, defaults);
    return self[0];
  }

  /** The base URL an OpenAI client takes, ending in {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** Every request body received, oldest first. */
  public List<JsonNode> requests() {
    return requests;
  }

  /** The {@code traceparent} header of every request that had one, oldest first. */
  public List<String> traceparents() {
    return traceparents;
  }

  /**
   * Waits until a client closes a connection before its stream ended, and returns the request id of
   * that stream; null if none did within the timeout.
   */
  public String awaitClientClose(Duration timeout) throws InterruptedException {
    return clientCloses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The text a stream of {@code n} tokens carries in total. */
  public static String expectedText(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append(token(i));
    }
    return text.toString();
  }

  /** The i-th token (0-based) of every stream. */
  public static String token(int i) {
    return "t" + i + " ";
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().endsWith("/chat/completions")) {
      request.response().setStatusCode(404).end("{\"error\":{\"message\":\"not found\"}}");
      return;
    }
    String traceparent = request.getHeader("traceparent");
    if (traceparent != null) {
      traceparents.add(traceparent);
    }
    request.body(
        body -> {
          try {
            JsonNode json = JSON.readTree(body.result().getBytes());
            requests.add(json);
            String prompt = lastUserMessage(json);
            respond(request, json, defaults.with(prompt), prompt);
          } catch (Exception e) {
            request.response().setStatusCode(400).end("{\"error\":{\"message\":\"bad json\"}}");
          }
        });
  }

  private void respond(HttpServerRequest request, JsonNode body, Script s, String prompt) {
    HttpServerResponse response = request.response();
    int attempt = attempts.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
    if (s.failStatus() > 0 && attempt <= s.failTimes()) {
      response.setStatusCode(s.failStatus());
      if (s.failStatus() == 429) {
        response.putHeader("Retry-After", "0");
      }
      response
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"error\":{\"message\":\"fake failure "
                  + s.failStatus()
                  + "\",\"type\":\"server_error\"}}");
      return;
    }
    String id = "chatcmpl-" + requests.size();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream");
    response.putHeader("Cache-Control", "no-cache");
    response.writeHead();
    boolean[] ended = {false};
    request
        .connection()
        .closeHandler(
            v -> {
              if (!ended[0]) {
                clientCloses.add(id);
              }
            });
    if (s.hang()) {
      return;
    }
    String model = body.path("model").asText("fake");
    int maxTokens = body.path("max_tokens").asInt(0);
    boolean cut = maxTokens > 0 && s.tokens() > maxTokens && !s.ignoreMaxTokens();
    int tokens = cut ? maxTokens : s.tokens();
    String finish = cut ? "length" : "stop";
    vertx.setTimer(
        Math.max(1, s.firstTokenMs()),
        t -> send(response, id, model, s, 0, tokens, finish, () -> ended[0] = true));
  }

  /** Sends token {@code i} of {@code count}, then the next; after the last, {@code finish}. */
  private void send(
      HttpServerResponse response,
      String id,
      String model,
      Script s,
      int i,
      int count,
      String finish,
      Runnable onEnd) {
    if (response.closed()) {
      return;
    }
    if (i == s.disconnectAfter()) {
      response.reset();
      return;
    }
    if (i == s.stallAfter()) {
      return;
    }
    if (i >= count) {
      ObjectNode last = chunk(id, model, null, finish);
      last.putObject("usage")
          .put("prompt_tokens", 11)
          .put("completion_tokens", count)
          .put("total_tokens", 11 + count);
      onEnd.run();
      response.write("data: " + last + "\n\n");
      response.end("data: [DONE]\n\n");
      return;
    }
    String text = token(i);
    if (s.code()) { // the whole answer as one fenced block
      text = (i == 0 ? "```python\n" : "") + text + (i == count - 1 ? "\n```\n" : "");
    }
    response.write("data: " + chunk(id, model, text, null) + "\n\n");
    vertx.setTimer(
        Math.max(1, s.gapMs()), t -> send(response, id, model, s, i + 1, count, finish, onEnd));
  }

  private static ObjectNode chunk(String id, String model, String content, String finish) {
    ObjectNode chunk = JSON.createObjectNode();
    chunk.put("id", id).put("object", "chat.completion.chunk").put("created", 0);
    chunk.put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    if (content != null) {
      delta.put("role", "assistant").put("content", content);
    }
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return chunk;
  }

  private static String lastUserMessage(JsonNode body) {
    String last = "";
    for (JsonNode message : body.path("messages")) {
      if ("user".equals(message.path("role").asText())) {
        last = message.path("content").asText("");
      }
    }
    return last;
  }

  /** Runs the fake standalone: {@code FakeLlm [port] [firstTokenMs] [gapMs] [tokens]}. */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
    Script script =
        new Script(
            args.length > 1 ? Integer.parseInt(args[1]) : 200,
            args.length > 2 ? Integer.parseInt(args[2]) : 20,
            args.length > 3 ? Integer.parseInt(args[3]) : 200);
    FakeLlm fake = start(script, port);
    System.out.println("Fake model server at " + fake.baseUrl());
    Thread.currentThread().join();
  }
}
