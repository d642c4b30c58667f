package dev.aicoder.e2e;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A packaged service running as its own process, with its log in target/. */
final class ServiceProcess implements AutoCloseable {

  private final Process process;
  final int port;

  private ServiceProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ServiceProcess start(String service, String name, int port, Map<String, String> props)
      throws IOException, InterruptedException {
    return start(service, name, port, props, Map.of());
  }

  /** Starts a service with these environment variables too, as Kubernetes configures a pod. */
  static ServiceProcess start(
      String service, String name, int port, Map<String, String> props, Map<String, String> env)
      throws IOException, InterruptedException {
    ServiceProcess started = launch(service, name, port, props, env);
    try {
      started.awaitReady(name);
    } catch (RuntimeException | InterruptedException notReady) {
      started.process.destroyForcibly(); // a failed start must not outlive the test
      throw notReady;
    }
    return started;
  }

  /** Starts a service without waiting for it to be ready. */
  static ServiceProcess launch(
      String service, String name, int port, Map<String, String> props, Map<String, String> env)
      throws IOException {
    Path jar = Path.of("../../services", service, "target/quarkus-app/quarkus-run.jar");
    if (!jar.toFile().exists()) {
      throw new IllegalStateException(jar + " is missing: package the services first (mvn verify)");
    }
    List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC"));
    command.add("-Dquarkus.http.port=" + port);
    props.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", jar.toString()));
    File log = Path.of("target", name + ".log").toFile();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new ServiceProcess(builder.redirectOutput(log).start(), port);
  }

  /** The status of {@code /q/health/ready} now, or -1 while nothing answers. */
  int readiness() throws InterruptedException {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build();
    try {
      return HttpClient.newHttpClient()
          .send(ready, HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notYet) {
      return -1;
    }
  }

  private void awaitReady(String name) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited; see target/" + name + ".log");
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.onSpinWait();
    }
    throw new IllegalStateException(name + " was not ready within 60 s");
  }

  /** The process's id. */
  long pid() {
    return process.pid();
  }

  /** A port nothing listens on now, for a process to take. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Kills the process at once, as a crashed pod would die: no shutdown hooks, no draining. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Sends SIGTERM, as Kubernetes does to a pod it stops, without waiting for the exit. */
  void sigterm() {
    process.destroy();
  }

  /** Whether the process exited within the timeout. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
