package dev.aicoder.gateway.rest;

import static dev.aicoder.gateway.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aicoder.gateway.Api;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 11 row 4: the gateway's calls to the cache carry the internal credential. */
@QuarkusTest
@TestProfile(InternalCallsTest.WithToken.class)
@QuarkusTestResource(LocalRedisResource.class)
class InternalCallsTest {

  static final String TOKEN = "internal-token-for-gateway-tests-42";

  /** The gateway has a credential; the cache is a server that records what it is sent. */
  public static class WithToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.internal-token", TOKEN);
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RecordingCache.class));
    }
  }

  /** Answers every call with {} and keeps the credential header it got. */
  public static class RecordingCache implements QuarkusTestResourceLifecycleManager {
    static final BlockingQueue<String> credentials = new LinkedBlockingQueue<>();
    static final BlockingQueue<String> paths = new LinkedBlockingQueue<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext(
          "/",
          exchange -> {
            String sent = exchange.getRequestHeaders().getFirst("X-AI-Coder-Internal");
            credentials.add(sent == null ? "(none)" : sent);
            paths.add(exchange.getRequestURI().toString());
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      return Map.of(
          "aicoder.gateway.cache-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
      server.stop(0);
    }
  }

  @Test
  void clearingTheCacheSendsTheCredential() throws InterruptedException {
    RecordingCache.credentials.clear();
    as(Api.adminToken()).post("/api/cache/clear").then().statusCode(200);
    assertThat(RecordingCache.credentials.poll(5, TimeUnit.SECONDS)).isEqualTo(TOKEN);
  }

  @Test
  void anAdminClearsOneNamespaceAndATypoIsRefusedHere() throws InterruptedException {
    RecordingCache.paths.clear();
    as(Api.adminToken()).post("/api/cache/clear?namespace=answers").then().statusCode(200);
    assertThat(RecordingCache.paths.poll(5, TimeUnit.SECONDS))
        .isEqualTo("/cache/clear?namespace=answers");
    as(Api.adminToken())
        .post("/api/cache/clear?namespace=Bad%20Name")
        .then()
        .statusCode(400)
        .body("type", org.hamcrest.Matchers.containsString("bad-namespace"));
    as(Api.adminToken()).get("/api/cache/stats").then().statusCode(200);
    assertThat(RecordingCache.paths.poll(5, TimeUnit.SECONDS)).isEqualTo("/cache/stats");
  }
}
