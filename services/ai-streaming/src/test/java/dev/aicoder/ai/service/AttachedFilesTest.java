package dev.aicoder.ai.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aicoder.ai.TurnStreams;
import dev.aicoder.fakellm.FakeLlmResource;
import dev.aicoder.localredis.LocalRedisResource;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: files attached to a prompt are read from the gateway (here a stand-in that serves a few
 * files) as the prompting user, with the internal credential, and fitted into one budget ({@code
 * AI_CODER_CONTEXT_BUDGET}); files that cannot be read are named, and the turn still runs.
 */
@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@QuarkusTestResource(FakeLlmResource.class)
@TestProfile(AttachedFilesTest.SmallBudget.class)
class AttachedFilesTest {

  static final int BUDGET = 100;
  static final String TOKEN = "internal-token-for-ai-streaming-tests";
  static final String WORKSPACE = "3f0c2a8e-5b1d-4c7e-9a6f-1d2e3f4a5b6c";
  static final String ALPHA = "print('alpha')\n";
  private static final Duration WITHIN = Duration.ofSeconds(20);

  /** A small budget, the credential, and the stand-in gateway. */
  public static class SmallBudget implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "aicoder.ai.context-budget", Integer.toString(BUDGET), "aicoder.internal-token", TOKEN);
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FakeGateway.class));
    }
  }

  /**
   * Serves the context route for {@link #WORKSPACE} as the gateway would, cutting text at {@code
   * max}: a text file, a large one, one more, a binary one; {@code gone.py} is missing and {@code
   * broken.py} drops the connection. Records each call's query and credential.
   */
  public static class FakeGateway implements QuarkusTestResourceLifecycleManager {
    static final Queue<Map<String, String>> calls = new ConcurrentLinkedQueue<>();
    private static final Map<String, String> FILES =
        Map.of("src/a.py", ALPHA, "big.txt", "B".repeat(500), "after.txt", "after");
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext("/internal/workspaces/" + WORKSPACE + "/context", this::answer);
      server.start();
      return Map.of("aicoder.ai.gateway-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange) throws IOException {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String credential = exchange.getRequestHeaders().getFirst("X-AI-Coder-Internal");
      query.put("credential", credential == null ? "(none)" : credential);
      calls.add(query);
      String path = query.get("path");
      if (path.equals("broken.py")) {
        exchange.close(); // no answer at all, as a gateway that died mid-request
        return;
      }
      Map<String, Object> body = new HashMap<>();
      int status = 200;
      if (!TOKEN.equals(credential)) {
        status = 401;
      } else if (path.equals("logo.png")) {
        body.putAll(Map.of("path", path, "truncated", false, "binary", true));
      } else if (FILES.containsKey(path)) {
        String text = FILES.get(path);
        int max = Integer.parseInt(query.get("max"));
        body.putAll(
            Map.of(
                "path",
                path,
                "text",
                text.substring(0, Math.min(max, text.length())),
                "truncated",
                text.length() > max,
                "binary",
                false));
      } else {
        status = 404;
        body.putAll(Map.of("type", "/problems/not-found", "status", 404));
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }

    private static Map<String, String> query(String raw) {
      Map<String, String> query = new HashMap<>();
      for (String pair : raw == null ? new String[0] : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
      return query;
    }

    @Override
    public void stop() {
      server.stop(0);
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void attachedFilesReachTheModelWithinTheBudgetAndUnreadableOnesAreNamed() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    TurnRequest plain = TurnStreams.request("explain these files #tokens=3");
    List<Frame.ContextRef> context =
        new ArrayList<>(
            Arrays.asList(
                null,
                ref("src/a.py"),
                ref("gone.py"),
                ref("logo.png"),
                ref("src/a.py"),
                ref("broken.py"),
                ref("big.txt"),
                ref("after.txt")));
    TurnRequest request =
        new TurnRequest(
            plain.turnId(),
            plain.conversationId(),
            plain.userId(),
            plain.text(),
            context,
            null,
            plain.acceptedAtMs());
    FakeGateway.calls.clear();
    turns.submit(request);

    List<Frame.TurnEvent> events = turns.awaitEnd(request.turnId(), WITHIN);
    TurnStreams.last(events, Frame.Done.class);

    String prompt = lastUserMessage("explain these files");
    assertThat(prompt).startsWith("explain these files #tokens=3\n\nAttached files:");
    assertThat(prompt).contains("File `src/a.py`:\n```\n" + ALPHA + "```");
    assertThat(prompt.indexOf(ALPHA)).isEqualTo(prompt.lastIndexOf(ALPHA)); // attached once
    int left = BUDGET - ALPHA.length();
    assertThat(prompt).contains("File `big.txt`:\n```\n" + "B".repeat(left) + "\n```");
    assertThat(prompt).doesNotContain("B".repeat(left + 1));
    assertThat(prompt)
        .contains("big.txt is cut here: only its first " + left + " characters fit")
        .contains("Not attached:")
        .contains("- gone.py: not found, or not in a workspace you can open")
        .contains("- logo.png: a binary file")
        .contains("- broken.py: the workspace could not be reached")
        .contains(
            "- after.txt: the attached files' budget of " + BUDGET + " characters is used up");

    assertThat(FakeGateway.calls)
        .allSatisfy(
            call -> {
              assertThat(call.get("credential")).isEqualTo(TOKEN);
              assertThat(call.get("user")).isEqualTo(request.userId());
            });
    assertThat(FakeGateway.calls)
        .filteredOn(call -> call.get("path").equals("big.txt"))
        .singleElement()
        .satisfies(call -> assertThat(call.get("max")).isEqualTo(Integer.toString(left)));
    assertThat(FakeGateway.calls).noneMatch(call -> call.get("path").equals("after.txt"));
  }

  @Test
  void aPromptWithoutFilesAsksTheGatewayNothing() {
    TurnStreams turns = new TurnStreams(redis);
    turns.awaitGroup();
    FakeGateway.calls.clear();
    TurnRequest request = turns.submit("no files here #tokens=2");
    TurnStreams.last(turns.awaitEnd(request.turnId(), WITHIN), Frame.Done.class);
    assertThat(lastUserMessage("no files here")).isEqualTo("no files here #tokens=2");
    assertThat(FakeGateway.calls).isEmpty();
  }

  private static Frame.ContextRef ref(String path) {
    return new Frame.ContextRef(path, WORKSPACE);
  }

  /** The last user message of the model request whose prompt starts with {@code start}. */
  private static String lastUserMessage(String start) {
    String found = null;
    for (JsonNode request : FakeLlmResource.fake().requests()) {
      for (JsonNode message : request.path("messages")) {
        String content = message.path("content").asText("");
        if ("user".equals(message.path("role").asText()) && content.startsWith(start)) {
          found = content;
        }
      }
    }
    assertThat(found).as("a model request with the prompt " + start).isNotNull();
    return found;
  }
}
