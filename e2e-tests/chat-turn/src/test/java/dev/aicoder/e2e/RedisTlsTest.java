package dev.aicoder.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service on a Redis that speaks only TLS (REDIS_SCHEME=rediss), configured as the chart does: it
 * trusts the private CA in REDIS_TLS_CA_FILE, not that CA without it, and no certificate that does
 * not name the host it connects to.
 */
class RedisTlsTest {

  private static final Path OPENSSL = Path.of("/usr/bin/openssl");
  private static final String PASSWORD = "e2e-tls-password";
  // This test's ports: 19220-19239.
  private static final int TLS_PORT = 19220;
  private static final int PLAIN_PORT = 19221;

  private static Path certs;
  private static RedisProcess redis;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(RedisProcess.EXECUTABLE) && Files.isExecutable(OPENSSL),
        RedisProcess.EXECUTABLE + " or " + OPENSSL + " is missing: Redis TLS not tested");
    certs = Files.createDirectories(GatewayApi.freshFolder("redis-tls"));
    // A private CA, and a server certificate from it naming localhost only (not 127.0.0.1).
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=e2e CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost");
    Files.writeString(certs.resolve("san.cnf"), "subjectAltName=DNS:localhost\n");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "san.cnf",
        "-out",
        "server.crt");
    // The plain port is the test's own way in; the services get the TLS port only.
    redis =
        RedisProcess.server(
            "tls-redis",
            PLAIN_PORT,
            PASSWORD,
            "--tls-port",
            "" + TLS_PORT,
            "--tls-cert-file",
            certs.resolve("server.crt").toString(),
            "--tls-key-file",
            certs.resolve("server.key").toString(),
            "--tls-ca-cert-file",
            certs.resolve("ca.crt").toString(),
            "--tls-auth-clients",
            "no");
  }

  @AfterAll
  static void stop() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aServiceTrustingTheCaIsReadyOverTls() throws Exception {
    try (ServiceProcess cache =
        ServiceProcess.start("cache", "tls-cache", 19222, Map.of(), env("localhost", true))) {
      HttpResponse<String> put =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(GatewayApi.uri(cache.port, "/cache/e2e/tls"))
                      .PUT(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(put.body())
          .as("the cache stores the entry in this Redis")
          .contains("\"degraded\":false");
      assertThat(redis.call("EXISTS", "aicoder:cache:e2e:tls")).isEqualTo(1L);
    }
  }

  @Test
  void withoutTheCaThePrivateCertificateIsRefused() throws Exception {
    // Only the JDK's CAs then, so this is no trust-all.
    assertRefused("tls-cache-untrusted", 19223, env("localhost", false));
  }

  @Test
  void aCertificateNotNamingTheHostIsRefused() throws Exception {
    assertRefused("tls-cache-wrong-name", 19224, env("127.0.0.1", true));
  }

  /**
   * Starts the cache and waits for its readiness to report the failed TLS handshake: the cache
   * stays ready without Redis (degraded to memory and files) and says why. Nothing else differs
   * from the test that connects, so that is why it fails.
   */
  private static void assertRefused(String name, int port, Map<String, String> env)
      throws Exception {
    HttpRequest ready = HttpRequest.newBuilder(GatewayApi.uri(port, "/q/health/ready")).build();
    HttpClient http = HttpClient.newHttpClient();
    try (ServiceProcess cache = ServiceProcess.launch("cache", name, port, Map.of(), env)) {
      RedisProcess.await(
          Duration.ofSeconds(60),
          name + " reporting the failed handshake; see target/" + name + ".log",
          () -> {
            try {
              HttpResponse<String> health = http.send(ready, HttpResponse.BodyHandlers.ofString());
              return health.statusCode() == 200
                  && health.body().contains("\"degraded\"")
                  && health.body().contains("SSLHandshakeException");
            } catch (IOException notYet) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });
    }
  }

  /** The chart's settings for an external Redis with TLS; with or without the CA to trust. */
  private static Map<String, String> env(String host, boolean trustCa) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "REDIS_SCHEME",
                "rediss",
                "REDIS_HOST",
                host,
                "REDIS_PORT",
                "" + TLS_PORT,
                "REDIS_PASSWORD",
                PASSWORD));
    if (trustCa) {
      env.put("REDIS_TLS_CA_FILE", certs.resolve("ca.crt").toString());
    }
    return env;
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(certs.toFile())
            .redirectErrorStream(true)
            .redirectOutput(certs.resolve("openssl.log").toFile())
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("openssl failed; see " + certs.resolve("openssl.log"));
    }
  }
}
