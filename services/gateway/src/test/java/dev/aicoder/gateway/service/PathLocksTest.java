package dev.aicoder.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write lock of a path holds against another process on the same volume, not only threads. */
class PathLocksTest {

  @TempDir Path volume;

  @Test
  void aPathLockedByAnotherProcessWaitsUntilThatProcessLetsGo() throws Exception {
    Path file = volume.resolve("ws-1/shared.txt");
    Process other =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Holder.class.getName(),
                    volume.toString(),
                    file.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS))
          .isEqualTo("locked");

      CompletableFuture<Boolean> entered =
          CompletableFuture.supplyAsync(() -> new PathLocks(volume).locked(file, () -> true));
      assertThatThrownBy(() -> entered.get(1, TimeUnit.SECONDS))
          .as("this process waits while the other holds the lock")
          .isInstanceOf(TimeoutException.class);

      OutputStream in = other.getOutputStream();
      in.write('\n');
      in.flush();
      assertThat(entered.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      other.destroyForcibly();
    }
    try (var files = Files.list(volume)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the lock files stay out of the workspace folders")
          .containsExactly(PathLocks.FOLDER);
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Another gateway: takes the lock of a path, says so, and holds it until a line arrives. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      new PathLocks(Path.of(args[0]))
          .locked(
              Path.of(args[1]),
              () -> {
                System.out.println("locked");
                System.out.flush();
                try {
                  return System.in.read();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }
}
