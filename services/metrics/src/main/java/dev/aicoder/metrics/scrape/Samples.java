package dev.aicoder.metrics.scrape;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;

/**
 * One scrape's samples, parsed from the Prometheus text exposition format 0.0.4 (what every
 * service's {@code /q/metrics} answers), with the few sums the figures need.
 *
 * <p>A strict parser of our own: the Java parsers that exist are Hawkular's (unmaintained since
 * 2016) and Apache SkyWalking OAP's, which read 2 of the 94 families of a real Quarkus scrape and
 * accept garbage without a word. A malformed line here fails the scrape with its line number.
 */
public final class Samples {

  /** One sample: its full name (with {@code _bucket}, {@code _total}…), labels and value. */
  @RegisterForReflection
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** Cumulative bucket counts by upper bound, with the histogram's count and sum. */
  @RegisterForReflection
  public record Buckets(TreeMap<Double, Double> counts, double count, double sum) {}

  private final Map<String, List<Sample>> byName;

  private Samples(Map<String, List<Sample>> byName) {
    this.byName = byName;
  }

  /** Parses a scrape body; a malformed line throws an IOException naming it. */
  public static Samples parse(byte[] body) throws IOException {
    return parse(body, null);
  }

  /**
   * Parses the samples named in {@code wanted} only (null: all): the other lines' names are read
   * and the rest skipped, which is most of a scrape's cost.
   */
  public static Samples parse(byte[] body, java.util.Set<String> wanted) throws IOException {
    Map<String, List<Sample>> byName = new HashMap<>();
    String text = new String(body, StandardCharsets.UTF_8);
    int lineNo = 0;
    for (int start = 0; start < text.length(); ) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      lineNo++;
      String line = text.substring(start, end).strip();
      start = end + 1;
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      try {
        LineParser parser = new LineParser(line);
        if (wanted != null && !wanted.contains(parser.peekName())) {
          continue;
        }
        Sample sample = parser.sample();
        byName.computeIfAbsent(sample.name(), n -> new ArrayList<>()).add(sample);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "Not the Prometheus text format, line " + lineNo + ": " + e.getMessage());
      }
    }
    return new Samples(byName);
  }

  /** How many distinct sample names the scrape held. */
  public int names() {
    return byName.size();
  }

  /** The sum of the samples named {@code name} whose labels pass {@code labels}; NaN if none. */
  public double sum(String name, Predicate<Map<String, String>> labels) {
    return sum(name, labels, value -> true);
  }

  /** As {@link #sum(String, Predicate)}, of the values that pass {@code values} only. */
  public double sum(String name, Predicate<Map<String, String>> labels, DoublePredicate values) {
    double sum = 0;
    boolean any = false;
    for (Sample s : byName.getOrDefault(name, List.of())) {
      if (!Double.isNaN(s.value()) && values.test(s.value()) && labels.test(s.labels())) {
        sum += s.value();
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }

  public double sum(String name) {
    return sum(name, l -> true);
  }

  /**
   * The histogram {@code family} ({@code _bucket}, {@code _count}, {@code _sum}) merged over the
   * series whose labels pass {@code labels}; null when the scrape has none.
   */
  public Buckets histogram(String family, Predicate<Map<String, String>> labels) {
    TreeMap<Double, Double> counts = new TreeMap<>();
    for (Sample s : byName.getOrDefault(family + "_bucket", List.of())) {
      String le = s.labels().get("le");
      if (le != null && labels.test(s.labels())) {
        counts.merge(number(le), s.value(), Double::sum);
      }
    }
    if (counts.isEmpty()) {
      return null;
    }
    return new Buckets(counts, sum(family + "_count", labels), sum(family + "_sum", labels));
  }

  static double number(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not a number");
        }
      }
    };
  }

  /** {@code name{label="value",...} value [timestamp]}, with the format's three escapes. */
  private static final class LineParser {
    private final String line;
    private int pos;

    LineParser(String line) {
      this.line = line;
    }

    /** The line's metric name, without moving past it. */
    String peekName() {
      String name = name();
      pos = 0;
      return name;
    }

    Sample sample() {
      String name = name();
      Map<String, String> labels = Map.of();
      if (pos < line.length() && line.charAt(pos) == '{') {
        labels = labels();
      }
      String[] rest = line.substring(pos).strip().split("\\s+");
      if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
        throw new IllegalArgumentException("expected a value after " + name);
      }
      return new Sample(name, labels, number(rest[0]));
    }

    private String name() {
      int start = pos;
      while (pos < line.length() && isNameChar(line.charAt(pos), pos == start)) {
        pos++;
      }
      if (pos == start) {
        throw new IllegalArgumentException(
            "expected a metric or label name at column " + (pos + 1));
      }
      return line.substring(start, pos);
    }

    private static boolean isNameChar(char c, boolean first) {
      return c == '_'
          || c == ':'
          || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (!first && c >= '0' && c <= '9');
    }

    private Map<String, String> labels() {
      Map<String, String> labels = new HashMap<>();
      pos++; // {
      while (true) {
        skipSpaces();
        if (at('}')) {
          pos++;
          return labels;
        }
        String key = name();
        skipSpaces();
        expect('=');
        skipSpaces();
        labels.put(key, quoted());
        skipSpaces();
        if (at(',')) {
          pos++;
        } else if (!at('}')) {
          throw new IllegalArgumentException("expected ',' or '}' at column " + (pos + 1));
        }
      }
    }

    private String quoted() {
      expect('"');
      StringBuilder value = new StringBuilder();
      while (pos < line.length()) {
        char c = line.charAt(pos++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\' && pos < line.length()) {
          char e = line.charAt(pos++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      throw new IllegalArgumentException("a label value is not closed");
    }

    private boolean at(char c) {
      return pos < line.length() && line.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!at(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at column " + (pos + 1));
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < line.length() && line.charAt(pos) == ' ') {
        pos++;
      }
    }
  }
}
