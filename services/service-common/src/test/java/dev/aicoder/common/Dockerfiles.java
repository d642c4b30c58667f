package dev.aicoder.common;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Checks a service's container images against what the chart relies on: the port the service
 * listens on is the one exposed, the process is not root, and the only place written (the Vert.x
 * cache, crash files) is /tmp, as the root filesystem is read-only.
 */
public final class Dockerfiles {

  private Dockerfiles() {}

  /** What is wrong with the module's Dockerfile.jvm and Dockerfile.native; empty when nothing. */
  public static List<String> problems(Path module) {
    String port = httpPort(module);
    List<String> problems = new ArrayList<>();
    check(module, "jvm", "185", port, "ENV JAVA_OPTS_APPEND=", problems);
    check(module, "native", "1001", port, "ENTRYPOINT", problems);
    return problems;
  }

  private static void check(
      Path module, String kind, String user, String port, String runLine, List<String> problems) {
    Path file = module.resolve("src/main/docker/Dockerfile." + kind);
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      problems.add(file + " cannot be read: " + e);
      return;
    }
    expect(lines, "FROM registry.access.redhat.com/ubi9/", file, problems);
    expect(lines, "EXPOSE " + port, file, problems);
    expect(lines, "USER " + user, file, problems);
    String run = lines.stream().filter(l -> l.startsWith(runLine)).findFirst().orElse("");
    if (!run.contains("-Dvertx.cacheDirBase=/tmp/") || !run.contains("-Djava.io.tmpdir=/tmp")) {
      problems.add(file + ": " + runLine + " must send the Vert.x cache and temp files to /tmp");
    }
  }

  private static void expect(List<String> lines, String start, Path file, List<String> problems) {
    if (lines.stream().noneMatch(l -> l.startsWith(start))) {
      problems.add(file + " has no line starting \"" + start + "\"");
    }
  }

  private static String httpPort(Path module) {
    Properties properties = new Properties();
    try (Reader reader =
        Files.newBufferedReader(module.resolve("src/main/resources/application.properties"))) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("quarkus.http.port");
  }
}
