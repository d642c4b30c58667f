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
  final String name;
  final int port;

  private ServiceProcess(Process process, String name, int port) {
    this.process = process;
    this.name = name;
    this.port = port;
  }

  /** Starts a service without waiting for it, so several can start at once. */
  static ServiceProcess launch(String service, int port, Map<String, String> props)
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
    File log = Path.of("target", service + ".log").toFile();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    return new ServiceProcess(process, service, port);
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
        throw new IllegalStateException(name + " exited; see target/" + name + ".log");
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
