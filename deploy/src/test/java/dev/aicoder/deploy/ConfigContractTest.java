package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart and the services agree on settings: every environment variable the chart gives a
 * container is one its service reads (application.properties), so a misspelt or retired name cannot
 * be deployed as if it did something.
 */
class ConfigContractTest {

  /** Read by Quarkus itself (QUARKUS_* maps onto quarkus.*), not through the properties file. */
  private static boolean quarkusOwn(String name) {
    return name.startsWith("QUARKUS_");
  }

  /** Names handed out ahead of the code that reads them, each with why. */
  private static final Map<String, String> AHEAD = Map.of();

  @ParameterizedTest
  @ValueSource(strings = {"default", "production", "external-redis"})
  void everyVariableTheChartSetsIsReadByTheService(String values) throws IOException {
    List<ObjectNode> objects = Chart.render(values);
    Map<String, String> properties = new HashMap<>();
    for (String service : PolicyTest.CALLS.keySet()) {
      properties.put(
          service,
          Files.readString(
              Chart.ROOT.resolve(
                  "services/" + service + "/src/main/resources/application.properties")));
    }
    List<String> unread = new ArrayList<>();
    for (var component : PolicyTest.components(objects).entrySet()) {
      String own = properties.get(component.getKey());
      for (JsonNode env : component.getValue().at("/spec/template/spec/containers/0/env")) {
        String name = env.path("name").asText();
        if (!quarkusOwn(name) && !AHEAD.containsKey(name) && !own.contains("${" + name)) {
          unread.add(component.getKey() + " does not read " + name);
        }
      }
    }
    for (ObjectNode config : PolicyTest.ofKind(objects, "ConfigMap")) {
      if (!config.at("/metadata/name").asText().equals(Chart.RELEASE)) {
        continue; // dashboards
      }
      config
          .path("data")
          .fieldNames()
          .forEachRemaining(
              name -> {
                boolean read = properties.values().stream().anyMatch(p -> p.contains("${" + name));
                if (!quarkusOwn(name) && !read) {
                  unread.add("no service reads " + name + " (ConfigMap)");
                }
              });
    }
    assertThat(unread).as(values).isEmpty();
  }
}
