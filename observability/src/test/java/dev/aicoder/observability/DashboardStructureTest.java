package dev.aicoder.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboards in grafana/dashboards/ as Grafana 10+ would import them into any cluster: a uid,
 * unique panel ids, the datasource, namespace and pod variables, the datasource variable on every
 * panel and query, and every query scoped to the chosen namespace and pods.
 */
class DashboardStructureTest {

  private static final String DATASOURCE = "${datasource}";
  private final List<Dashboards.Dashboard> dashboards = Dashboards.all();

  @Test
  void thereAreTheDashboardsOfTheIssue() {
    assertThat(dashboards.stream().map(d -> d.json().path("uid").asText()))
        .contains(
            "ai-coder-overview",
            "ai-coder-streaming",
            "ai-coder-websocket",
            "ai-coder-gateway",
            "ai-coder-cache",
            "ai-coder-jvm",
            "ai-coder-redis");
  }

  @Test
  void eachHasAUniqueUidATitleAndAGrafana10Schema() {
    Set<String> uids = new HashSet<>();
    for (Dashboards.Dashboard d : dashboards) {
      JsonNode json = d.json();
      assertThat(json.path("uid").asText()).as("%s uid", d.file()).isNotBlank().hasSizeLessThan(41);
      assertThat(uids.add(json.path("uid").asText())).as("%s uid is unique", d.file()).isTrue();
      assertThat(d.title()).as("%s title", d.file()).isNotBlank();
      assertThat(json.path("schemaVersion").asInt())
          .as("%s schemaVersion", d.file())
          .isGreaterThanOrEqualTo(36);
      assertThat(json.has("id") && !json.path("id").isNull())
          .as("%s has no instance id (Grafana assigns it on import)", d.file())
          .isFalse();
    }
  }

  @Test
  void panelIdsAreUniqueWithinADashboardRowsIncluded() {
    List<String> duplicates = new ArrayList<>();
    for (Dashboards.Dashboard d : dashboards) {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : d.panels()) {
        if (!panel.path("id").canConvertToInt() || !ids.add(panel.path("id").asInt())) {
          duplicates.add(
              d.file() + " / " + panel.path("title").asText() + " id " + panel.path("id"));
        }
      }
    }
    assertThat(duplicates).as("missing or repeated panel ids").isEmpty();
  }

  @Test
  void theDatasourceNamespaceAndPodVariablesExist() {
    for (Dashboards.Dashboard d : dashboards) {
      JsonNode datasource = d.variable("datasource");
      assertThat(datasource).as("%s $datasource", d.file()).isNotNull();
      assertThat(datasource.path("type").asText()).isEqualTo("datasource");
      assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
      for (String name : List.of("namespace", "pod")) {
        JsonNode variable = d.variable(name);
        assertThat(variable).as("%s $%s", d.file(), name).isNotNull();
        assertThat(variable.path("type").asText())
            .as("%s $%s type", d.file(), name)
            .isEqualTo("query");
        assertThat(variable.path("datasource").path("uid").asText())
            .as("%s $%s datasource", d.file(), name)
            .isEqualTo(DATASOURCE);
      }
      assertThat(d.variable("pod").path("includeAll").asBoolean())
          .as("%s $pod offers All", d.file())
          .isTrue();
      assertThat(d.variable("pod").path("allValue").asText()).isEqualTo(".*");
    }
  }

  @Test
  void everyPanelWithQueriesAndEveryQueryUsesTheDatasourceVariable() {
    List<String> wrong = new ArrayList<>();
    for (Dashboards.Dashboard d : dashboards) {
      for (JsonNode panel : d.panels()) {
        String where = d.file() + " / " + panel.path("title").asText();
        if (panel.path("targets").isEmpty()) {
          continue;
        }
        if (!isDatasourceVariable(panel.path("datasource"))) {
          wrong.add(where + ": panel datasource " + panel.path("datasource"));
        }
        for (JsonNode target : panel.path("targets")) {
          if (!isDatasourceVariable(target.path("datasource"))) {
            wrong.add(
                where + " [" + target.path("refId").asText() + "]: " + target.path("datasource"));
          }
        }
      }
    }
    assertThat(wrong).as("panels or queries not on ${datasource}").isEmpty();
  }

  private static boolean isDatasourceVariable(JsonNode datasource) {
    return "prometheus".equals(datasource.path("type").asText())
        && DATASOURCE.equals(datasource.path("uid").asText());
  }

  @Test
  void noDatasourceUidIsHardCodedAnywhere() {
    List<String> literals = new ArrayList<>();
    for (Dashboards.Dashboard d : dashboards) {
      collectUids(d.json(), d.file().toString(), literals);
    }
    assertThat(literals).as("datasource uids other than ${datasource}").isEmpty();
  }

  /** Every "uid" inside a "datasource" object, at any depth. */
  private static void collectUids(JsonNode node, String where, List<String> literals) {
    if (node.isObject()) {
      JsonNode datasource = node.path("datasource");
      if (datasource.isTextual()) {
        literals.add(where + ": datasource \"" + datasource.asText() + "\"");
      } else if (datasource.has("uid") && !DATASOURCE.equals(datasource.path("uid").asText())) {
        literals.add(where + ": " + datasource);
      }
      node.fields().forEachRemaining(f -> collectUids(f.getValue(), where, literals));
    } else if (node.isArray()) {
      node.forEach(child -> collectUids(child, where, literals));
    }
  }

  @Test
  void everyQueryHasAnExprAndIsScopedToTheNamespaceAndPods() {
    List<String> wrong = new ArrayList<>();
    for (Dashboards.Dashboard d : dashboards) {
      for (Dashboards.Query q : d.queries()) {
        String problem = scopeProblem(q.expr());
        if (problem != null) {
          wrong.add(q + " -> " + problem);
        }
      }
    }
    assertThat(wrong).as("queries without an expr or not scoped").isEmpty();
  }

  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][\\w:]*)?\\{([^}]*)}");

  /** A recording rule's constant, the same in every namespace (grafana/rules/slos.yaml). */
  private static final String OBJECTIVE = "aicoder:slo_objective:ratio";

  // An identifier that is not a function call and already had its selector replaced by "{}":
  // what is left is a bare metric name or a keyword.
  private static final Pattern BARE_METRIC =
      Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][\\w:]*)(?![\\w:]*\\s*[({])");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

  /** Null when every metric of {@code expr} has a selector with both filters. */
  static String scopeProblem(String expr) {
    if (expr.isBlank()) {
      return "no expr";
    }
    Matcher selectors = SELECTOR.matcher(expr);
    int count = 0;
    while (selectors.find()) {
      count++;
      String metric = String.valueOf(selectors.group(1));
      String matchers = selectors.group(2);
      // Recording rules (a colon in the name) aggregate pods away: they keep the namespace.
      boolean rule = metric.contains(":");
      if (metric.equals(OBJECTIVE)) {
        continue;
      }
      if (!matchers.contains("namespace=\"$namespace\"")
          || !(rule || matchers.contains("pod=~\"$pod\""))) {
        return metric + "{" + matchers + "} lacks namespace=\"$namespace\" or pod=~\"$pod\"";
      }
    }
    if (count == 0) {
      return "no selector";
    }
    String outside = LABEL_LIST.matcher(SELECTOR.matcher(expr).replaceAll("x{}")).replaceAll("");
    outside = outside.replaceAll("\\[[^]]*]", "").replaceAll("\"[^\"]*\"", "\"\"");
    Matcher bare = BARE_METRIC.matcher(outside);
    while (bare.find()) {
      if (!KEYWORDS.contains(bare.group(1).toLowerCase()) && !bare.group(1).equals(OBJECTIVE)) {
        return "metric " + bare.group(1) + " without a selector";
      }
    }
    return null;
  }
}
