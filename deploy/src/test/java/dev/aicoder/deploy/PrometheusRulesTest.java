package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grafana/rules: promtool accepts every rule file and passes every unit-test file, and every alert
 * is documented (severity, summary, a description with its value, a runbook section that exists)
 * and tested (a case where it fires with each of its severities, and one where it stays quiet).
 */
class PrometheusRulesTest {

  static final Path RULES = Chart.ROOT.resolve("grafana/rules");
  static final Path RUNBOOK = Chart.ROOT.resolve("grafana/RUNBOOK.md");
  static final String RUNBOOK_URL =
      "https://github.com/ai-coder/ai-coder/blob/main/grafana/RUNBOOK.md#";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Path> ruleFiles() throws IOException {
    return yamls().filter(p -> !isTest(p));
  }

  static Stream<Path> testFiles() throws IOException {
    return yamls().filter(PrometheusRulesTest::isTest);
  }

  @ParameterizedTest
  @MethodSource("ruleFiles")
  void promtoolChecksTheRuleFile(Path file) throws Exception {
    promtool("check", "rules", file.getFileName().toString());
  }

  @ParameterizedTest
  @MethodSource("testFiles")
  void promtoolUnitTestsPass(Path file) throws Exception {
    promtool("test", "rules", file.getFileName().toString());
  }

  @Test
  void everyRuleFileHasItsUnitTests() throws IOException {
    List<String> tested = new ArrayList<>();
    for (Path test : testFiles().toList()) {
      YAML.readTree(test.toFile()).path("rule_files").forEach(f -> tested.add(f.asText()));
    }
    assertThat(tested).containsAll(ruleFiles().map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void everyAlertIsDocumented() throws IOException {
    Set<String> anchors = runbookAnchors();
    List<Alert> alerts = alerts();
    assertThat(alerts).isNotEmpty();
    for (Alert alert : alerts) {
      JsonNode rule = alert.rule();
      String name = alert.name() + " (" + alert.severity() + ")";
      assertThat(alert.severity())
          .as(name + ": labels.severity")
          .isIn("page", "ticket", "critical", "warning");
      assertThat(rule.path("annotations").path("summary").asText())
          .as(name + ": annotations.summary")
          .isNotBlank();
      assertThat(rule.path("annotations").path("description").asText())
          .as(name + ": annotations.description shows the value")
          .contains("$value");
      String url = rule.path("annotations").path("runbook_url").asText();
      assertThat(url).as(name + ": annotations.runbook_url").startsWith(RUNBOOK_URL);
      String anchor = url.substring(RUNBOOK_URL.length());
      assertThat(anchors).as(name + ": a section of RUNBOOK.md for #" + anchor).contains(anchor);
      assertThat(anchor).as(name + ": its runbook section").isEqualTo(alert.name().toLowerCase());
    }
  }

  @Test
  void everyAlertFiresWithEachSeverityAndStaysQuietInTheTests() throws IOException {
    Set<String> fired = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (Path test : testFiles().toList()) {
      for (JsonNode group : YAML.readTree(test.toFile()).path("tests")) {
        for (JsonNode check : group.path("alert_rule_test")) {
          String name = check.path("alertname").asText();
          JsonNode expected = check.path("exp_alerts");
          if (expected.isEmpty()) {
            quiet.add(name);
          }
          for (JsonNode alert : expected) {
            fired.add(name + "/" + alert.path("exp_labels").path("severity").asText());
          }
        }
      }
    }
    for (Alert alert : alerts()) {
      assertThat(fired)
          .as(alert.name() + ": a test case where it fires with severity " + alert.severity())
          .contains(alert.name() + "/" + alert.severity());
      assertThat(quiet)
          .as(alert.name() + ": a test case where it stays quiet (exp_alerts: [])")
          .contains(alert.name());
    }
  }

  record Alert(String name, String severity, JsonNode rule) {}

  static List<Alert> alerts() throws IOException {
    List<Alert> alerts = new ArrayList<>();
    for (Path file : ruleFiles().toList()) {
      for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.has("alert")) {
            alerts.add(
                new Alert(
                    rule.path("alert").asText(),
                    rule.path("labels").path("severity").asText(),
                    rule));
          }
        }
      }
    }
    return alerts;
  }

  /** The anchors GitHub makes of the headings: lower case, punctuation dropped, spaces to '-'. */
  static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new HashSet<>();
    Matcher heading =
        Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(Files.readString(RUNBOOK));
    while (heading.find()) {
      anchors.add(
          heading
              .group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }

  private static Stream<Path> yamls() throws IOException {
    try (Stream<Path> files = Files.list(RULES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  private static boolean isTest(Path file) {
    return file.getFileName().toString().endsWith(".test.yaml");
  }

  /** Runs promtool in grafana/rules (test files name their rule files relative to it). */
  private static void promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is not on the PATH: install Debian's prometheus package (apt-get install"
              + " prometheus), as .ci/run does",
          e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
  }
}
