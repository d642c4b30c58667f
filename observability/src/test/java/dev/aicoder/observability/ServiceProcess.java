package dev.aicoder.observability;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A packaged service running as its own process, with its log in target/. */
final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final String logName;
  final String name;
  final int port;

  private ServiceProcess(Process process, String name, String logName, int port) {
    this.process = process;
    this.logName = logName;
    this.name = name;
    this.port = port;
  }

  /** Starts a service without waiting for it, so several can start at once. */
  static ServiceProcess launch(String service, int port, Map<String, String> props)
      throws IOException {
    return launch(service, service, port, props, Map.of());
  }

  /**
   * Starts a service with environment variables too (the names operators set), logging to
   * target/{@code logName}.log so two runs of one service keep two logs.
   */
  static ServiceProcess launch(
      String service, String logName, int port, Map<String, String> props, Map<String, String> env)
      throws IOException {
    Path jar = Path.of("../services", service, "target/quarkus-app/quarkus-run.jar");
    if (!jar.toFile().exists()) {
      throw new IllegalStateException(jar + " is missing: package the services first (mvn verify)");
    }
    // C1 only: five JVMs start on two cores, and these runs are short.
    List<String> command =
        new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.add("-Dquarkus.http.port=" + port);
    props.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", jar.toString()));
    File log = Path.of("target", logName + ".log").toFile();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    builder.environment().putAll(env);
    Process process = builder.start();
    return new ServiceProcess(process, service, logName, port);
  }

  /** Waits until {@code /q/health/ready} answers 200. */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited; see target/" + logName + ".log");
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new IllegalStateException(name + " was not ready within " + timeout);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
