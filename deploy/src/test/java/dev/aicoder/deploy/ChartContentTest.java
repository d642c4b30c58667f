package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the chart renders for the platform engineer's choices. */
class ChartContentTest {

  @AfterEach
  void emptyTheCluster() {
    FakeKubeApi.get().clear();
  }

  @Test
  void generatedSecretsAreKeptOnUpgradeAndSetOnesWin() {
    Map<String, String> first = secretData(Chart.render(List.of(), Map.of()));
    assertThat(first.keySet())
        .containsExactlyInAnyOrder(
            "admin-password", "internal-token", "cache-key", "redis-password");
    assertThat(Base64.getDecoder().decode(Base64.getDecoder().decode(first.get("cache-key"))))
        .as("the cache key is 32 random bytes")
        .hasSize(32);
    assertThat(secretData(Chart.render(List.of(), Map.of())))
        .as("a fresh install makes up new values")
        .isNotEqualTo(first);

    FakeKubeApi.get()
        .putSecret(
            Chart.NAMESPACE,
            Chart.RELEASE,
            Chart.JSON
                .createObjectNode()
                .put("apiVersion", "v1")
                .put("kind", "Secret")
                .<ObjectNode>set(
                    "metadata", Chart.JSON.createObjectNode().put("name", Chart.RELEASE))
                .<ObjectNode>set("data", Chart.JSON.valueToTree(first))
                .toString());
    assertThat(secretData(Chart.render(List.of(), Map.of())))
        .as("an upgrade keeps them")
        .isEqualTo(first);

    Map<String, String> set =
        secretData(
            Chart.render(
                List.of(), Map.of("admin.password", "a-long-password", "model.apiKey", "sk-1")));
    assertThat(decode(set.get("admin-password"))).isEqualTo("a-long-password");
    assertThat(decode(set.get("model-api-key"))).isEqualTo("sk-1");
    assertThat(set.get("internal-token")).isEqualTo(first.get("internal-token"));
  }

  @Test
  void anExistingSecretReplacesTheChartsOwn() {
    List<ObjectNode> objects = Chart.render(List.of(), Map.of("secrets.existingSecret", "mine"));
    assertThat(PolicyTest.ofKind(objects, "Secret")).isEmpty();
    assertThat(secretRefs(objects)).isNotEmpty().allMatch(name -> name.equals("mine"));
  }

  @Test
  void aiStreamingIsNamedInItsConsumerGroupByItsPod() {
    JsonNode env = container(Chart.render("default"), "ai-streaming").path("env");
    JsonNode instance =
        Stream.of(Chart.JSON.convertValue(env, JsonNode[].class))
            .filter(e -> e.path("name").asText().equals("AI_CODER_INSTANCE_ID"))
            .findFirst()
            .orElseThrow();
    assertThat(instance.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
  }

  @Test
  void chatSocketsGoStraightToChatWebsocketAndTheRestToTheGateway() {
    List<ObjectNode> objects = Chart.render("production");
    JsonNode ingress = PolicyTest.ofKind(objects, "Ingress").get(0);
    Map<String, String> byPath = new java.util.TreeMap<>();
    for (JsonNode path : ingress.at("/spec/rules/0/http/paths")) {
      byPath.put(path.path("path").asText(), path.at("/backend/service/name").asText());
    }
    assertThat(byPath)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("/ws", "ai-coder-chat-websocket", "/", "ai-coder-gateway"));
    assertThat(ingress.at("/spec/tls/0/hosts/0").asText()).isEqualTo("ai-coder.example.com");
    assertThat(
            ingress
                .at("/metadata/annotations")
                .path("nginx.ingress.kubernetes.io/proxy-read-timeout")
                .asText())
        .as("chat sockets outlive nginx's 60 s default")
        .isEqualTo("3600");

    JsonNode route = PolicyTest.ofKind(objects, "HTTPRoute").get(0);
    Map<String, String> routed = new java.util.TreeMap<>();
    for (JsonNode rule : route.at("/spec/rules")) {
      routed.put(
          rule.at("/matches/0/path/value").asText(), rule.at("/backendRefs/0/name").asText());
    }
    assertThat(routed)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("/ws", "ai-coder-chat-websocket", "/", "ai-coder-gateway"));
  }

  @Test
  void rulesAndDashboardsAreTheFilesInGrafanaLabelledForKubePrometheusStack() throws Exception {
    List<ObjectNode> objects = Chart.render("production");
    Path grafana = Chart.ROOT.resolve("grafana");
    for (ObjectNode object : objects) {
      if (List.of("ServiceMonitor", "PrometheusRule").contains(object.path("kind").asText())
          || object.at("/metadata/labels/grafana_dashboard").asText().equals("1")) {
        assertThat(object.at("/metadata/labels/release").asText())
            .as(Chart.id(object))
            .isEqualTo("kube-prometheus-stack");
      }
    }
    List<Path> ruleFiles;
    try (Stream<Path> files = Files.list(grafana.resolve("rules"))) {
      ruleFiles =
          files
              .filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".test.yaml"))
              .toList();
    }
    List<ObjectNode> rules = PolicyTest.ofKind(objects, "PrometheusRule");
    assertThat(rules).hasSameSizeAs(ruleFiles);
    for (Path file : ruleFiles) {
      JsonNode groups = Chart.YAML.readTree(file.toFile()).path("groups");
      assertThat(rules)
          .as(file.toString())
          .anySatisfy(rule -> assertThat(rule.at("/spec/groups")).isEqualTo(groups));
    }
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(grafana.resolve("dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).toList();
    }
    assertThat(dashboards).isNotEmpty();
    for (Path dashboard : dashboards) {
      String name = dashboard.getFileName().toString();
      assertThat(objects)
          .as(name)
          .anySatisfy(
              o -> {
                assertThat(o.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
                assertThat(o.path("data").path(name).asText())
                    .isEqualTo(Files.readString(dashboard));
              });
    }
    assertThat(Chart.render("default"))
        .as("off by default: a cluster without the Prometheus Operator would refuse them")
        .noneMatch(
            o -> List.of("ServiceMonitor", "PrometheusRule").contains(o.path("kind").asText()));
  }

  @Test
  void anExternalRedisThroughSentinelWithTlsAndAPrivateCa() {
    List<ObjectNode> objects = Chart.render("external-redis");
    assertThat(PolicyTest.ofKind(objects, "StatefulSet"))
        .as("no Redis of the chart's own")
        .isEmpty();
    JsonNode config =
        PolicyTest.ofKind(objects, "ConfigMap").stream()
            .filter(c -> c.at("/metadata/name").asText().equals(Chart.RELEASE))
            .findFirst()
            .orElseThrow()
            .path("data");
    assertThat(config.path("REDIS_CLIENT_TYPE").asText()).isEqualTo("sentinel");
    assertThat(config.path("REDIS_MASTER_NAME").asText()).isEqualTo("ai-coder");
    assertThat(config.path("REDIS_HOSTS").asText())
        .isEqualTo(
            "rediss://sentinel-0.redis:26379/0,rediss://sentinel-1.redis:26379/0,rediss://sentinel-2.redis:26379/0");
    assertThat(config.path("REDIS_TLS_HOSTNAME_VERIFICATION").asText()).isEqualTo("NONE");
    String caFile = config.path("REDIS_TLS_CA_FILE").asText();
    for (var service : PolicyTest.components(objects).entrySet()) {
      JsonNode pod = service.getValue().at("/spec/template/spec");
      JsonNode mount =
          Stream.of(Chart.JSON.convertValue(pod.at("/containers/0/volumeMounts"), JsonNode[].class))
              .filter(m -> caFile.startsWith(m.path("mountPath").asText() + "/"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(service.getKey() + " does not mount " + caFile));
      assertThat(pod.path("volumes").toString())
          .as(service.getKey())
          .contains("\"name\":\"" + mount.path("name").asText() + "\"")
          .contains("\"secretName\":\"redis-ca\"");
      assertThat(service.getValue().at("/spec/template/spec/containers/0/env").toString())
          .as(service.getKey() + " reads the password from the installer's Secret")
          .contains("{\"name\":\"redis-credentials\",\"key\":\"password\"}");
    }
  }

  @Test
  void theGracePeriodOutlastsThePreStopPauseAndTheDrain() {
    for (ObjectNode deployment : PolicyTest.ofKind(Chart.render("default"), "Deployment")) {
      JsonNode pod = deployment.at("/spec/template/spec");
      int preStop = pod.at("/containers/0/lifecycle/preStop/exec/command/1").asInt();
      assertThat(preStop).as(Chart.id(deployment)).isPositive();
      assertThat(pod.path("terminationGracePeriodSeconds").asInt())
          .as(Chart.id(deployment))
          .isGreaterThan(preStop + 5);
    }
    JsonNode aiStreaming = container(Chart.render("default"), "ai-streaming");
    assertThat(aiStreaming.path("env").toString()).contains("AI_CODER_SHUTDOWN_GRACE");
  }

  @Test
  void notesTellTheUrlTheAdminPasswordAndWhatToCheck() {
    String notes =
        new Helm(Chart.DIR)
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeVersion(Chart.KUBE_VERSION)
            .withDryRunOption(DryRun.CLIENT)
            .clientOnly()
            .withValuesFile(Chart.values("production"))
            .call()
            .getOutput();
    assertThat(notes)
        .contains("https://ai-coder.example.com")
        .contains("get secret ai-coder-secrets -o jsonpath='{.data.admin-password}'")
        .contains("get pods -l app.kubernetes.io/instance=ai-coder");
  }

  // ---

  private static JsonNode container(List<ObjectNode> objects, String component) {
    return PolicyTest.components(objects).get(component).at("/spec/template/spec/containers/0");
  }

  private static Map<String, String> secretData(List<ObjectNode> objects) {
    List<ObjectNode> secrets = PolicyTest.ofKind(objects, "Secret");
    assertThat(secrets).hasSize(1);
    return Chart.JSON.convertValue(
        secrets.get(0).path("data"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<String> secretRefs(List<ObjectNode> objects) {
    return objects.stream()
        .flatMap(o -> o.findValues("secretKeyRef").stream())
        .map(ref -> ref.path("name").asText())
        .toList();
  }
}
