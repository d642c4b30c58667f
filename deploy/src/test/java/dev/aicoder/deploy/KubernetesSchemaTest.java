package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object the chart renders, validated strictly against Kubernetes' and the CRDs' schemas. */
class KubernetesSchemaTest {

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production", "external-redis"})
  void everyRenderedObjectMatchesItsSchema(String values) {
    List<ObjectNode> objects = Chart.render(values);
    List<String> errors = new ArrayList<>();
    for (ObjectNode object : objects) {
      for (String error : KubernetesSchemas.errors(object)) {
        errors.add(values + "-values.yaml " + Chart.id(object) + " " + error);
      }
    }
    assertThat(objects).isNotEmpty();
    assertThat(errors)
        .withFailMessage("%d schema errors:%n%s", errors.size(), String.join("\n", errors))
        .isEmpty();
  }

  @Test
  void rejectsAnUnknownFieldInABuiltInAndInACustomResource() {
    List<ObjectNode> objects = Chart.render("production");

    ObjectNode deployment = first(objects, "Deployment").deepCopy();
    ((ObjectNode) deployment.at("/spec/template/spec/containers/0"))
        .put("imagePullPolice", "Always");
    assertThat(KubernetesSchemas.errors(deployment)).anyMatch(e -> e.contains("imagePullPolice"));

    ObjectNode wrongType = first(objects, "Deployment").deepCopy();
    ((ObjectNode) wrongType.get("spec")).put("replicas", "three");
    assertThat(KubernetesSchemas.errors(wrongType)).anyMatch(e -> e.contains("\"three\""));

    ObjectNode monitor = first(objects, "ServiceMonitor").deepCopy();
    ((ObjectNode) monitor.at("/spec/endpoints/0")).put("intervall", "30s");
    assertThat(KubernetesSchemas.errors(monitor))
        .anyMatch(e -> e.contains("/spec/endpoints/0") && e.contains("intervall"));

    ObjectNode badMetadata = first(objects, "ServiceMonitor").deepCopy();
    ((ObjectNode) badMetadata.get("metadata")).put("label", "x");
    assertThat(KubernetesSchemas.errors(badMetadata))
        .anyMatch(e -> e.startsWith("/metadata") && e.contains("label"));
  }

  @Test
  void rejectsAKindItHasNoSchemaFor() {
    ObjectNode cronJob = Chart.JSON.createObjectNode();
    cronJob
        .put("apiVersion", "batch/v1")
        .put("kind", "CronJob")
        .putObject("metadata")
        .put("name", "x");
    assertThat(KubernetesSchemas.errors(cronJob))
        .singleElement()
        .asString()
        .contains("batch/v1/CronJob");

    // A known kind at an apiVersion it has no schema for is just as unknown.
    ObjectNode oldIngress = Chart.JSON.createObjectNode();
    oldIngress.put("apiVersion", "extensions/v1beta1").put("kind", "Ingress");
    assertThat(KubernetesSchemas.errors(oldIngress))
        .singleElement()
        .asString()
        .contains("no schema");
  }

  private static ObjectNode first(List<ObjectNode> objects, String kind) {
    return objects.stream()
        .filter(o -> kind.equals(o.path("kind").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the production values render no " + kind));
  }
}
