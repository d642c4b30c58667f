package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aicoder.deploy.NetworkPolicies.Peer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the metrics service scrapes every pod of every service through headless Services, reads
 * history from the configured Prometheus, and alerts on the same thresholds as the Prometheus rules
 * the chart ships (grafana/rules/thresholds.yaml).
 */
class PerformanceChartTest {

  /** Each performance.thresholds entry: the rule it mirrors and its env names. */
  private static final Map<String, String[]> THRESHOLDS =
      Map.of(
          "cpu", new String[] {"AiCoderCpuHigh", "AI_CODER_METRICS_CPU_"},
          "memory", new String[] {"AiCoderMemoryHigh", "AI_CODER_METRICS_MEMORY_"},
          "cacheHitRate", new String[] {"AiCoderCacheHitRateLow", "AI_CODER_METRICS_CACHE_HIT_"},
          "responseTime", new String[] {"AiCoderResponseTimeHigh", "AI_CODER_METRICS_RESPONSE_"});

  /** A threshold in a rule's expression: the last comparison with a number ("> 0.7", "< 0.8"). */
  private static final Pattern COMPARISON =
      Pattern.compile("[<>]\\s*([0-9.]+)(?!.*[<>]\\s*[0-9.])");

  @Test
  void everyServiceHasAHeadlessServiceAndTheMetricsServiceScrapesEachOne() {
    List<ObjectNode> objects = Chart.render("production");
    Map<String, String> expected = new TreeMap<>();
    for (ObjectNode service : PolicyTest.ofKind(objects, "Service")) {
      String name = service.at("/metadata/name").asText();
      String component = service.at("/spec/selector/app.kubernetes.io~1component").asText();
      if (name.endsWith("-headless") || component.equals("redis")) {
        continue;
      }
      ObjectNode headless = byName(objects, "Service", name + "-headless");
      assertThat(headless.at("/spec/clusterIP").asText()).as(name).isEqualTo("None");
      assertThat(headless.at("/spec/selector")).as(name).isEqualTo(service.at("/spec/selector"));
      assertThat(headless.at("/spec/ports")).as(name).isEqualTo(service.at("/spec/ports"));
      assertThat(headless.at("/metadata/labels/ai-coder~1headless").asText()).isEqualTo("true");
      int port = service.at("/spec/ports/0/port").asInt();
      expected.put(component, "dns+http://" + name + "-headless:" + port + "/q/metrics");
    }
    assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(PolicyTest.CALLS.keySet());

    Map<String, String> targets = new TreeMap<>();
    for (String target : env(objects).get("AI_CODER_METRICS_TARGETS").split(",")) {
      String[] pair = target.split("=", 2);
      targets.put(pair[0], pair[1]);
    }
    assertThat(targets).isEqualTo(expected);

    JsonNode monitor = PolicyTest.ofKind(objects, "ServiceMonitor").get(0);
    assertThat(monitor.at("/spec/selector/matchExpressions"))
        .as("the ServiceMonitor scrapes each pod once, not again through its headless Service")
        .anySatisfy(
            e -> {
              assertThat(e.path("key").asText()).isEqualTo("ai-coder/headless");
              assertThat(e.path("operator").asText()).isEqualTo("DoesNotExist");
            });
  }

  @Test
  void theChartsThresholdsAreTheNumbersOfThePrometheusRules() throws IOException {
    JsonNode defaults = Chart.YAML.readTree(Chart.DIR.resolve("values.yaml").toFile());
    JsonNode rules =
        Chart.YAML.readTree(Chart.ROOT.resolve("grafana/rules/thresholds.yaml").toFile());
    Map<String, String> env = env(Chart.render("default"));
    String metricsProperties =
        java.nio.file.Files.readString(
            Chart.ROOT.resolve("services/metrics/src/main/resources/application.properties"));
    for (var entry : THRESHOLDS.entrySet()) {
      String alert = entry.getValue()[0];
      for (String severity : List.of("warning", "critical")) {
        double chart =
            defaults.at("/performance/thresholds/" + entry.getKey() + "/" + severity).asDouble(-1);
        assertThat(ruleThreshold(rules, alert, severity))
            .as(
                "%s %s: grafana/rules/thresholds.yaml against performance.thresholds.%s",
                alert, severity, entry.getKey())
            .isEqualTo(chart);
        String name = entry.getValue()[1] + severity.toUpperCase(java.util.Locale.ROOT);
        assertThat(Double.parseDouble(env.get(name))).as(name).isEqualTo(chart);
        // Without the chart (make run) the metrics service's own defaults are the same numbers.
        Matcher own = Pattern.compile("\\$\\{" + name + ":([0-9.]+)}").matcher(metricsProperties);
        assertThat(own.find())
            .as(name + " in the metrics service's application.properties")
            .isTrue();
        assertThat(Double.parseDouble(own.group(1))).as(name + " default").isEqualTo(chart);
      }
    }
    assertThat(env.get("AI_CODER_METRICS_SCRAPE_INTERVAL")).isEqualTo("5s");
  }

  @Test
  void withAPrometheusConfiguredTheMetricsServiceReadsItAndMayReachIt() {
    Peer prometheus = Peer.pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
    List<ObjectNode> without = Chart.render("default");
    assertThat(env(without)).doesNotContainKey("AI_CODER_PROMETHEUS_URL");
    assertThat(
            new NetworkPolicies(without)
                .allows(
                    PolicyTest.pod(PolicyTest.components(without).get("metrics")),
                    prometheus,
                    9090))
        .as("no Prometheus configured: no way out to one")
        .isFalse();

    // production-values.yaml reads the Prometheus of kube-prometheus-stack.
    List<ObjectNode> with = Chart.render("production");
    ObjectNode metrics = PolicyTest.components(with).get("metrics");
    assertThat(env(with))
        .containsEntry("AI_CODER_PROMETHEUS_URL", "http://prometheus-operated.monitoring:9090");
    // Only this release's series and alerts, should other installs share the Prometheus.
    assertThat(env(with).get("AI_CODER_PROMETHEUS_SELECTOR")).matches("namespace=\"[a-z0-9-]+\"");
    NetworkPolicies policies = new NetworkPolicies(with);
    assertThat(policies.allows(PolicyTest.pod(metrics), prometheus, 9090)).isTrue();
    for (var other : PolicyTest.components(with).entrySet()) {
      if (!other.getKey().equals("metrics")) {
        assertThat(policies.allows(PolicyTest.pod(other.getValue()), prometheus, 9090))
            .as(other.getKey() + " does not read Prometheus")
            .isFalse();
      }
    }
  }

  /** The threshold in the expression of the rule named {@code alert} with that severity. */
  private static double ruleThreshold(JsonNode rules, String alert, String severity) {
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.path("alert").asText().equals(alert)
            && rule.at("/labels/severity").asText().equals(severity)) {
          String expr = rule.path("expr").asText().split(" and ")[0];
          Matcher m = COMPARISON.matcher(expr);
          assertThat(m.find()).as(alert + ": " + expr).isTrue();
          return Double.parseDouble(m.group(1));
        }
      }
    }
    throw new AssertionError("No " + severity + " rule " + alert + " in thresholds.yaml");
  }

  /** The metrics container's environment. */
  private static Map<String, String> env(List<ObjectNode> objects) {
    Map<String, String> env = new HashMap<>();
    ObjectNode metrics = PolicyTest.components(objects).get("metrics");
    for (JsonNode e : metrics.at("/spec/template/spec/containers/0/env")) {
      env.put(e.path("name").asText(), e.path("value").asText());
    }
    return env;
  }

  private static ObjectNode byName(List<ObjectNode> objects, String kind, String name) {
    return PolicyTest.ofKind(objects, kind).stream()
        .filter(o -> o.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + kind + " " + name));
  }
}
