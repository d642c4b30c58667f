package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.localredis.LocalRedis;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two packaged gateways on one workspace volume: a version of a file is replaced only once. */
class TwoGatewaysWriteTest {

  private static final int WRITERS = 8;
  private static final int ROUNDS = 25;

  private static LocalRedis redis;
  private static ServiceProcess gatewayA;
  private static ServiceProcess gatewayB;

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedis.startOnFreePort();
    Map<String, String> settings =
        GatewayApi.settings(redis.url(), GatewayApi.freshFolder("two-gateways"));
    gatewayA = ServiceProcess.start("gateway", "gateway-a", ServiceProcess.freePort(), settings);
    gatewayB = ServiceProcess.start("gateway", "gateway-b", ServiceProcess.freePort(), settings);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {gatewayA, gatewayB, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void writersRacingOnBothGatewaysWithOneEtagOneWinsTheRestGet412() throws Exception {
    String token = GatewayApi.login(gatewayA.port);
    String workspace = GatewayApi.newWorkspace(gatewayA.port, token);
    HttpResponse<String> created =
        GatewayApi.write(gatewayA.port, token, workspace, "shared.txt", "v0", null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String etag = created.headers().firstValue("ETag").orElseThrow();

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        CyclicBarrier go = new CyclicBarrier(WRITERS);
        List<Future<HttpResponse<String>>> writes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int port = (w % 2 == 0 ? gatewayA : gatewayB).port;
          String text = "round " + round + " from writer " + w;
          texts.add(text);
          String ifMatch = etag;
          writes.add(
              pool.submit(
                  () -> {
                    go.await(10, TimeUnit.SECONDS);
                    return GatewayApi.write(port, token, workspace, "shared.txt", text, ifMatch);
                  }));
        }
        List<Integer> statuses = new ArrayList<>();
        int winner = -1;
        for (int w = 0; w < WRITERS; w++) {
          HttpResponse<String> response = writes.get(w).get(30, TimeUnit.SECONDS);
          statuses.add(response.statusCode());
          if (response.statusCode() == 200) {
            winner = w;
            etag = response.headers().firstValue("ETag").orElseThrow();
          }
        }
        assertThat(statuses)
            .as("round %d: one write per version, the others told it changed", round)
            .containsOnly(200, 412)
            .filteredOn(s -> s == 200)
            .hasSize(1);
        // Read where it was written: other replicas drop their cached copy within 0.1 s.
        int winnersPort = (winner % 2 == 0 ? gatewayA : gatewayB).port;
        assertThat(GatewayApi.read(winnersPort, token, workspace, "shared.txt"))
            .as("the file holds the winner's text")
            .isEqualTo(texts.get(winner));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
