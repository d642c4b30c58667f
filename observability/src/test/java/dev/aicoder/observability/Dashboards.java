package dev.aicoder.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The dashboards in grafana/dashboards/, read as Grafana would: panels, rows' panels, targets. */
final class Dashboards {

  static final Path FOLDER = Path.of("../grafana/dashboards");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A dashboard file and its parsed JSON. */
  record Dashboard(Path file, JsonNode json) {
    String title() {
      return json.path("title").asText();
    }

    /** Every panel, those nested in (collapsed) rows included. */
    List<JsonNode> panels() {
      List<JsonNode> all = new ArrayList<>();
      for (JsonNode panel : json.path("panels")) {
        all.add(panel);
        panel.path("panels").forEach(all::add);
      }
      return all;
    }

    /** Every panel's every query, named by dashboard and panel title. */
    List<Query> queries() {
      List<Query> queries = new ArrayList<>();
      for (JsonNode panel : panels()) {
        for (JsonNode target : panel.path("targets")) {
          queries.add(
              new Query(
                  file.getFileName() + " / " + panel.path("title").asText(),
                  target.path("refId").asText(),
                  target.path("expr").asText("")));
        }
      }
      return queries;
    }

    JsonNode variable(String name) {
      for (JsonNode v : json.path("templating").path("list")) {
        if (name.equals(v.path("name").asText())) {
          return v;
        }
      }
      return null;
    }
  }

  /** One target of a panel: where it is, and its PromQL as written in the dashboard. */
  record Query(String panel, String refId, String expr) {
    @Override
    public String toString() {
      return panel + " [" + refId + "]: " + expr;
    }
  }

  private Dashboards() {}

  static List<Dashboard> all() {
    try (Stream<Path> files = Files.list(FOLDER)) {
      List<Dashboard> dashboards = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
      }
      return dashboards;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");

  /**
   * The query as Grafana sends it, for one namespace and every pod; throws on a variable this suite
   * does not know, so a typo shows as such and not as an empty panel.
   */
  static String substitute(String expr, String namespace) {
    Map<String, String> values =
        Map.of(
            "namespace", namespace,
            "pod", ".*",
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "5m",
            "__range_s", "300");
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("unknown variable $" + name + " in " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }
}
