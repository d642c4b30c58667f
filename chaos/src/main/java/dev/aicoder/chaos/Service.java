package dev.aicoder.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One packaged service run as its own process from its jar, which can be killed with SIGKILL and
 * started again on the same port, as a crashed pod is replaced. Its log (all lives appended) lies
 * in the run folder.
 */
final class Service {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  final String name;
  final int port;
  private final Path jar;
  private final Path log;
  private final Map<String, String> env;
  private volatile Process process;
  private int lives;

  Service(String name, Path jar, int port, Path log, Map<String, String> env) {
    this.name = name;
    this.jar = jar;
    this.port = port;
    this.log = log;
    this.env = new HashMap<>(env);
    if (!jar.toFile().exists()) {
      throw new IllegalStateException(jar + " is missing: package the services first");
    }
  }

  /**
   * Starts the process; a restarted instance gets a new instance id, as a replaced pod gets a new
   * name.
   */
  synchronized void start() throws IOException {
    String instanceId = lives == 0 ? name : name + "-r" + lives;
    lives++;
    List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC"));
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.http.host=127.0.0.1");
    // ai-streaming's consumer name, whatever its environment name is.
    command.add("-Daicoder.ai.instance-id=" + instanceId);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    builder.environment().put("AI_CODER_INSTANCE_ID", instanceId);
    process = builder.start();
  }

  /** Waits until the service answers its readiness check. */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(name + " exited; see " + log);
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100); // polling a process we do not control; no event to wait on
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
  }

  /** Kills the process at once (SIGKILL): no shutdown hooks, no draining, like a crashed pod. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly().waitFor();
    }
  }

  long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** Stops the process (SIGTERM, then SIGKILL after a while). */
  void stop() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }
}
