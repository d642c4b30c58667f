package dev.aicoder.observability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A system tool (Prometheus, the Redis exporter) running as a process, its log in target/. */
final class ToolProcess implements AutoCloseable {

  private final Process process;
  private final String name;

  private ToolProcess(Process process, String name) {
    this.process = process;
    this.name = name;
  }

  static ToolProcess start(String name, List<String> command) throws IOException {
    if (!Path.of(command.get(0)).toFile().canExecute()) {
      throw new IllegalStateException(command.get(0) + " is missing: .ci/run installs it");
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", name + ".log").toFile())
            .start();
    return new ToolProcess(process, name);
  }

  /** Fails when the process has exited, pointing at its log. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited; see target/" + name + ".log");
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
