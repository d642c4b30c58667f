package dev.aicoder.bench.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the JMH part (L1 hit latency and throughput, L2 hit against a raw GET) with one fork and
 * short iterations, and prints a table. JMH's own output goes to files in {@code -Dlogs}; the table
 * also goes to {@code -Dsummary}. Settings: {@code -Dwarmup.seconds}, {@code -Dmeasure.seconds},
 * {@code -Diterations}, {@code -Dredis.port}.
 */
public final class JmhMain {

  private JmhMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    List<String> lines = new ArrayList<>();
    lines.add("| measurement | p50 | p99 | p99.9 | throughput |");
    lines.add("|---|---|---|---|---|");

    Collection<RunResult> l1 =
        run(L1Benchmark.class, "get", "sample", 1, TimeUnit.NANOSECONDS, null);
    Statistics s1 = stats(l1, "get", "caller");
    Statistics pool = stats(l1, "get", "pool");
    double l1Through1 =
        only(run(L1Benchmark.class, "get", "thrpt", 1, TimeUnit.SECONDS, "caller"))
            .getPrimaryResult()
            .getScore();
    double l1Through2 =
        only(run(L1Benchmark.class, "get", "thrpt", 2, TimeUnit.SECONDS, "caller"))
            .getPrimaryResult()
            .getScore();
    lines.add(
        String.format(
            "| L1 hit (MemoryTier.get), 1 thread | %s | **%s** | %s | %s ops/s (2 threads: %s ops/s) |",
            ns(s1.getPercentile(50)),
            ns(s1.getPercentile(99)),
            ns(s1.getPercentile(99.9)),
            millions(l1Through1),
            millions(l1Through2)));
    lines.add(
        String.format(
            "| L1 hit, Caffeine upkeep handed to the common pool (before; diagnostic) | %s | %s | %s | |",
            ns(pool.getPercentile(50)), ns(pool.getPercentile(99)), ns(pool.getPercentile(99.9))));

    Collection<RunResult> l2 =
        run(
            L2Benchmark.class,
            "(l2Hit|rawGet|decodeOnly)",
            "sample",
            1,
            TimeUnit.MICROSECONDS,
            null);
    Statistics hit = stats(l2, "l2Hit", null);
    Statistics raw = stats(l2, "rawGet", null);
    Statistics decode = stats(l2, "decodeOnly", null);
    lines.add(row("L2 hit, 4 KB LZ4 + AES-GCM (RedisTier.get + decode)", hit));
    lines.add(row("raw Redis GET, 4 KB string, same client", raw));
    lines.add(row("decode alone (CRC32C, AES-GCM, LZ4), no Redis", decode));
    lines.add(
        String.format(
            "| **L2 hit / raw GET** | **%.2fx** | **%.2fx** | %.2fx | |",
            hit.getPercentile(50) / raw.getPercentile(50),
            hit.getPercentile(99) / raw.getPercentile(99),
            hit.getPercentile(99.9) / raw.getPercentile(99.9)));
    lines.add("");
    lines.add("Targets: L1 hit p99 <= 2 us; L2 hit <= 2x raw GET.");
    lines.add(
        String.format(
            "L1 hit p99 %s: %s. L2 hit / raw GET at p50 %.2fx, p99 %.2fx: %s.",
            ns(s1.getPercentile(99)),
            s1.getPercentile(99) <= 2000 ? "met" : "NOT met",
            hit.getPercentile(50) / raw.getPercentile(50),
            hit.getPercentile(99) / raw.getPercentile(99),
            hit.getPercentile(50) <= 2 * raw.getPercentile(50)
                    && hit.getPercentile(99) <= 2 * raw.getPercentile(99)
                ? "met"
                : "NOT met"));
    String table = String.join("\n", lines) + "\n";
    System.out.println();
    System.out.print(table);
    Files.writeString(Path.of(System.getProperty("summary", "target/jmh-summary.md")), table);
  }

  private static Collection<RunResult> run(
      Class<?> benchmark, String methods, String mode, int threads, TimeUnit unit, String upkeep)
      throws RunnerException {
    int warmup = Integer.getInteger("warmup.seconds", 1);
    int measure = Integer.getInteger("measure.seconds", 2);
    int iterations = Integer.getInteger("iterations", 5);
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(benchmark.getName() + "\\." + methods + "$")
            .mode(org.openjdk.jmh.annotations.Mode.deepValueOf(mode))
            .timeUnit(unit)
            .threads(threads)
            .forks(1)
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(warmup))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(measure))
            .jvmArgsAppend(
                "-Xms512m", "-Xmx512m", "-Dredis.port=" + System.getProperty("redis.port"))
            .output(
                String.format(
                    "%s/jmh-%s-%s-%s-%dt.log",
                    System.getProperty("logs", "target"),
                    benchmark.getSimpleName(),
                    methods.replaceAll("\\W", ""),
                    mode,
                    threads));
    if (upkeep != null) {
      options.param("upkeep", upkeep);
    }
    System.out.printf(
        "JMH %s.%s, %s, %d thread(s): %d x %d s warm-up, %d x %d s measured%n",
        benchmark.getSimpleName(), methods, mode, threads, 3, warmup, iterations, measure);
    return new Runner(options.build()).run();
  }

  private static RunResult only(Collection<RunResult> results) {
    if (results.size() != 1) {
      throw new IllegalStateException(results.size() + " results, expected 1");
    }
    return results.iterator().next();
  }

  private static Statistics stats(Collection<RunResult> results, String method, String upkeep) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .filter(r -> upkeep == null || upkeep.equals(r.getParams().getParam("upkeep")))
        .map(RunResult::getPrimaryResult)
        .map(Result::getStatistics)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no result for " + method));
  }

  private static String row(String what, Statistics s) {
    return String.format(
        "| %s | %s | %s | %s | |",
        what, us(s.getPercentile(50)), us(s.getPercentile(99)), us(s.getPercentile(99.9)));
  }

  private static String ns(double nanos) {
    return nanos < 1000 ? String.format("%.0f ns", nanos) : String.format("%.2f us", nanos / 1000);
  }

  private static String us(double micros) {
    return String.format("%.1f us", micros);
  }

  private static String millions(double perSecond) {
    return String.format("%.1f M", perSecond / 1e6);
  }
}
