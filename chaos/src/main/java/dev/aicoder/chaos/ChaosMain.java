package dev.aicoder.chaos;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code make chaos}: {@code ChaosMain [--turns N] [--rate PER_SECOND] [--short]}. Prints the table
 * and exits 1 when any token was lost, duplicated or reordered, or any turn ended silently.
 */
public final class ChaosMain {

  private ChaosMain() {}

  public static void main(String[] args) throws Exception {
    int turns = 1000;
    double rate = 2.0;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--turns" -> turns = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--short" -> quick = true;
        default -> {
          System.err.println("usage: ChaosMain [--turns N] [--rate PER_SECOND] [--short]");
          System.exit(2);
        }
      }
    }
    ChaosConfig config = quick ? ChaosConfig.quick(6394) : ChaosConfig.full(turns, rate);
    Path runDir = Files.createTempDirectory("aicoder-chaos-");
    Report report = new Chaos(config, runDir, System.out).run();
    String table = report.table();
    Files.writeString(runDir.resolve("report.md"), table);
    System.out.println();
    System.out.print(table);
    System.out.println("Logs and the report: " + runDir);
    System.exit(report.ok() ? 0 : 1);
  }
}
