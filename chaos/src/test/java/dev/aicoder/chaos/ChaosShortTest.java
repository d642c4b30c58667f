package dev.aicoder.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The harness's short mode, inside {@code make test}: two of each packaged service, a few dozen
 * turns, one fault of each kind (drops of 2 to 5 s), and not one token lost, duplicated or
 * reordered at any viewer, nor any turn left without its final event.
 */
class ChaosShortTest {

  @Test
  void everyViewerShowsEveryAnswerWholeThroughOneFaultOfEachKind() throws Exception {
    Path runDir = Path.of("target/chaos-short");
    if (Files.exists(runDir)) {
      try (Stream<Path> files = Files.walk(runDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    ChaosConfig config = ChaosConfig.quick(freePort());
    Report report = new Chaos(config, runDir, System.out).run();
    System.out.print(report.table());

    assertThat(report.rows.subList(1, report.rows.size()))
        .as("every fault was injected while turns ran")
        .allSatisfy(
            row -> {
              assertThat(row.at).as(row.fault).isNotNull();
              assertThat(row.turns).as(row.fault).isPositive();
            });
    assertThat(report.total.lost).as("tokens lost").isZero();
    assertThat(report.total.duplicated).as("tokens duplicated").isZero();
    assertThat(report.total.reordered).as("tokens reordered").isZero();
    assertThat(report.total.silent).as("turns without a final event at some viewer").isZero();
    assertThat(report.total.diverged).as("turns the viewers saw end differently").isZero();
    assertThat(row(report, "model erroring").codes)
        .as("a model that keeps failing ends its turns with an explicit error")
        .containsKey("model_error");
    assertThat(row(report, "model hanging").errors)
        .as("a hanging model's turns end with an explicit error at the turn duration cap")
        .isPositive();
    assertThat(report.ok()).isTrue();
  }

  private static Report.Row row(Report report, String fault) {
    return report.rows.stream().filter(r -> r.fault.startsWith(fault)).findFirst().orElseThrow();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
