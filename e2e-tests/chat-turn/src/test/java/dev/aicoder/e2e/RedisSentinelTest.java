package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.fakellm.FakeLlm;
import dev.aicoder.fakellm.Script;
import dev.aicoder.fakellm.WsClient;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import dev.aicoder.protocol.Keys;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every service configured only as the Helm chart configures it for Sentinel (REDIS_CLIENT_TYPE,
 * REDIS_HOSTS, REDIS_MASTER_NAME, REDIS_PASSWORD), in the common setup: three sentinels without a
 * password, a master and a replica with one. A chat turn runs through the gateway, chat-websocket
 * and ai-streaming, and another after the master died and Sentinel promoted the replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

  private static final String PASSWORD = "e2e-master-password";
  private static final String MASTER_NAME = "e2e-master";
  // This test's ports: 19200-19219.
  private static final int MASTER = 19201;
  private static final int REPLICA = 19202;
  private static final int[] SENTINELS = {19203, 19204, 19205};

  private static RedisProcess master;
  private static RedisProcess replica;
  private static final RedisProcess[] sentinels = new RedisProcess[SENTINELS.length];
  private static FakeLlm model;
  private static ServiceProcess chat;
  private static ServiceProcess worker;
  private static ServiceProcess gateway;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(RedisProcess.EXECUTABLE),
        RedisProcess.EXECUTABLE
            + " is missing (apt-get install redis-server): Sentinel not tested");
    master = RedisProcess.server("sentinel-master", MASTER, PASSWORD);
    replica =
        RedisProcess.server(
            "sentinel-replica", REPLICA, PASSWORD, "--replicaof", "127.0.0.1", "" + MASTER);
    RedisProcess.await(
        Duration.ofSeconds(15),
        "the replica in sync",
        () -> info(replica, "replication").contains("master_link_status:up"));
    // Started after the replica, so each sentinel's first INFO of the master lists it.
    StringBuilder urls = new StringBuilder();
    for (int i = 0; i < SENTINELS.length; i++) {
      sentinels[i] =
          RedisProcess.sentinel(
              "sentinel-" + i,
              SENTINELS[i],
              String.join(
                  "\n",
                  "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + MASTER + " 2",
                  "sentinel auth-pass " + MASTER_NAME + " " + PASSWORD,
                  ""));
      urls.append(i == 0 ? "" : ",").append("redis://127.0.0.1:").append(SENTINELS[i]).append("/0");
    }
    env =
        Map.of(
            "REDIS_CLIENT_TYPE",
            "sentinel",
            "REDIS_HOSTS",
            urls.toString(),
            "REDIS_MASTER_NAME",
            MASTER_NAME,
            "REDIS_PASSWORD",
            PASSWORD);

    model = FakeLlm.start(new Script(50, 5, 30));
    chat =
        ServiceProcess.start(
            "chat-websocket",
            "sentinel-chat-websocket",
            19211,
            Map.of("aicoder.chat.drain-delay", "0s"),
            env);
    worker =
        ServiceProcess.start(
            "ai-streaming",
            "sentinel-ai-streaming",
            19212,
            Map.of(
                "aicoder.ai.llm.base-url", model.baseUrl(),
                "aicoder.ai.llm.model", "fake",
                "aicoder.ai.shutdown-grace", "1s"),
            env);
    Map<String, String> settings =
        new HashMap<>(GatewayApi.settings(null, GatewayApi.freshFolder("sentinel")));
    settings.put("aicoder.gateway.chat-websocket-url", "http://localhost:" + chat.port);
    settings.put("aicoder.gateway.shutdown-delay", "0s");
    gateway = ServiceProcess.start("gateway", "sentinel-gateway", 19210, settings, env);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {gateway, chat, worker, model, master, replica}) {
      if (c != null) {
        c.close();
      }
    }
    for (RedisProcess sentinel : sentinels) {
      if (sentinel != null) {
        sentinel.close();
      }
    }
  }

  @Test
  @Order(1)
  void aTurnRunsOnTheMasterTheSentinelsName() throws Exception {
    String turnId = turn();
    assertThat(master.call("EXISTS", Keys.turn(turnId))).as("the turn in the master").isEqualTo(1L);
  }

  @Test
  @Order(2)
  void cacheAndMetricsReachTheMasterThroughTheSentinels() throws Exception {
    try (ServiceProcess cache =
            ServiceProcess.start("cache", "sentinel-cache", 19213, Map.of(), env);
        ServiceProcess metrics =
            ServiceProcess.start("metrics", "sentinel-metrics", 19214, Map.of(), env)) {
      // The cache stores its shared tier in the master; metrics is ready once its Redis answers.
      HttpResponse<String> put =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(GatewayApi.uri(cache.port, "/cache/e2e/sentinel"))
                      .PUT(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(put.body()).contains("\"degraded\":false");
      assertThat(master.call("EXISTS", "aicoder:cache:e2e:sentinel")).isEqualTo(1L);
      assertThat(metrics.readiness()).isEqualTo(200);
    }
  }

  @Test
  @Order(3)
  void afterAFailoverTheServicesFollowTheNewMaster() throws Exception {
    // Everything written so far is on the replica before the master dies.
    assertThat(master.call("WAIT", "1", "5000")).isEqualTo(1L);
    master.kill();
    RedisProcess.await(
        Duration.ofSeconds(30),
        "a sentinel to start the failover",
        () -> {
          try {
            return "OK".equals(sentinels[0].call("SENTINEL", "FAILOVER", MASTER_NAME));
          } catch (IOException | IllegalStateException notYet) {
            return false; // e.g. NOGOODSLAVE until it has the replica's INFO
          }
        });
    for (RedisProcess sentinel : sentinels) {
      RedisProcess.await(
          Duration.ofSeconds(30),
          sentinel + " naming the replica as master",
          () -> masterPort(sentinel) == REPLICA);
    }
    for (ServiceProcess service : new ServiceProcess[] {gateway, chat, worker}) {
      RedisProcess.await(Duration.ofSeconds(30), "ready again", () -> readiness(service) == 200);
    }

    String turnId = turn();
    assertThat(replica.call("EXISTS", Keys.turn(turnId)))
        .as("the turn in the new master")
        .isEqualTo(1L);
  }

  /** Signs in at the gateway and runs one turn through its chat proxy; answers the turn's id. */
  private static String turn() throws Exception {
    String token = GatewayApi.login(gateway.port);
    try (WsClient browser =
        WsClient.connect(GatewayApi.uri(gateway.port, "/"), token, FrameCodec.JSON)) {
      browser.send(
          new Frame.Prompt(
              UUID.randomUUID().toString(), UUID.randomUUID().toString(), "hi #tokens=30", null));
      String turnId = browser.next(Frame.Accepted.class).turnId();
      StringBuilder text = new StringBuilder();
      long seq = 0;
      for (Frame frame = browser.next(); !(frame instanceof Frame.Done); frame = browser.next()) {
        Frame.Delta delta = (Frame.Delta) frame;
        assertThat(delta.seq()).isEqualTo(++seq);
        text.append(delta.text());
      }
      assertThat(text.toString()).isEqualTo(FakeLlm.expectedText(30));
      return turnId;
    }
  }

  private static String info(RedisProcess redis, String section) {
    try {
      return (String) redis.call("INFO", section);
    } catch (IOException e) {
      return "";
    }
  }

  private static int masterPort(RedisProcess sentinel) {
    try {
      List<?> address = (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
      return Integer.parseInt((String) address.get(1));
    } catch (IOException e) {
      return -1;
    }
  }

  private static int readiness(ServiceProcess service) {
    try {
      return service.readiness();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
