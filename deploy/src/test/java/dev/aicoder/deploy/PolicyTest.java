package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aicoder.deploy.NetworkPolicies.Peer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules every rendering must keep: hardened containers, PDBs, and who may reach whom. */
class PolicyTest {

  /** The architecture (DESIGN sections 1 and 4): who calls whom, and what browsers reach. */
  static final Map<String, Set<String>> CALLS =
      Map.of(
          "gateway", Set.of("chat-websocket", "ai-streaming", "cache", "metrics"),
          "chat-websocket", Set.of(),
          "ai-streaming", Set.of("gateway", "cache"), // the cache: answers to deterministic prompts
          "cache", Set.of(),
          // The metrics service scrapes every pod of every service (issue 16).
          "metrics", Set.of("gateway", "chat-websocket", "ai-streaming", "cache"));

  static final Set<String> PUBLIC = Set.of("gateway", "chat-websocket");
  static final Peer INGRESS_CONTROLLER =
      Peer.pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
  static final Peer PROMETHEUS =
      Peer.pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
  static final Peer KUBE_DNS = Peer.pod("kube-system", Map.of("k8s-app", "kube-dns"));
  static final Peer STRANGER = Peer.pod(Chart.NAMESPACE, Map.of("app", "something-else"));
  static final Peer INTERNET = Peer.external("203.0.113.10");

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production", "external-redis"})
  void everyContainerHasProbesResourcesAndARestrictedSecurityContext(String values) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode workload : workloads(Chart.render(values))) {
      JsonNode pod = workload.path("spec").path("template").path("spec");
      for (JsonNode c : pod.path("containers")) {
        String where = Chart.id(workload) + " container " + c.path("name").asText() + ": ";
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          if (!c.has(probe)) {
            problems.add(where + "no " + probe);
          }
        }
        JsonNode resources = c.path("resources");
        for (String field : List.of("requests/cpu", "requests/memory", "limits/memory")) {
          if (resources.at("/" + field).asText().isEmpty()) {
            problems.add(where + "no resources." + field.replace('/', '.'));
          }
        }
        JsonNode sc = c.path("securityContext");
        boolean nonRoot =
            sc.path("runAsNonRoot")
                .asBoolean(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        if (!nonRoot) {
          problems.add(where + "may run as root");
        }
        if (!sc.path("readOnlyRootFilesystem").asBoolean()) {
          problems.add(where + "root filesystem is writable");
        }
        if (!sc.has("allowPrivilegeEscalation")
            || sc.path("allowPrivilegeEscalation").asBoolean()) {
          problems.add(where + "may escalate privileges");
        }
        if (!texts(sc.path("capabilities").path("drop")).contains("ALL")) {
          problems.add(where + "keeps Linux capabilities");
        }
      }
      if (pod.path("automountServiceAccountToken").asBoolean(true)) {
        problems.add(Chart.id(workload) + ": mounts a Kubernetes API token it never uses");
      }
    }
    assertThat(problems).as(values).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "minimal", "production", "external-redis"})
  void aDeploymentHasAPodDisruptionBudgetExactlyWhenItRunsMoreThanOnePod(String values) {
    List<ObjectNode> objects = Chart.render(values);
    for (ObjectNode deployment : ofKind(objects, "Deployment")) {
      String name = deployment.at("/metadata/name").asText();
      int pods = minimumPods(objects, deployment);
      List<ObjectNode> budgets =
          ofKind(objects, "PodDisruptionBudget").stream()
              .filter(pdb -> selects(pdb.at("/spec/selector"), deployment))
              .toList();
      assertThat(budgets)
          .as(values + ": PDBs of " + name + " with " + pods + " pods")
          .hasSize(pods > 1 ? 1 : 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "production", "external-redis"})
  void noInternalPortIsReachableFromTheIngressOrTheInternet(String values) {
    List<ObjectNode> objects = Chart.render(values);
    NetworkPolicies policies = new NetworkPolicies(objects);
    Set<String> fromIngress = new TreeSet<>();
    Set<String> fromInternet = new TreeSet<>();
    for (ObjectNode service : ofKind(objects, "Service")) {
      ObjectNode workload = workloadOf(objects, service);
      for (JsonNode port : service.at("/spec/ports")) {
        int target = containerPort(workload, port.path("targetPort"));
        String component = service.at("/spec/selector/app.kubernetes.io~1component").asText();
        if (policies.allows(INGRESS_CONTROLLER, pod(workload), target)) {
          fromIngress.add(component);
        }
        if (policies.allows(INTERNET, pod(workload), target)) {
          fromInternet.add(component);
        }
      }
    }
    assertThat(fromIngress).as(values).containsExactlyInAnyOrderElementsOf(PUBLIC);
    assertThat(fromInternet).as(values).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "production", "external-redis"})
  void eachServiceIsReachableOnlyFromTheServicesThatCallIt(String values) {
    List<ObjectNode> objects = Chart.render(values);
    NetworkPolicies policies = new NetworkPolicies(objects);
    Map<String, ObjectNode> services = components(objects);
    for (var caller : services.entrySet()) {
      for (var callee : services.entrySet()) {
        if (caller.getKey().equals(callee.getKey())) {
          continue;
        }
        int port = containerPort(callee.getValue(), null);
        boolean expected = CALLS.get(caller.getKey()).contains(callee.getKey());
        assertThat(policies.allows(pod(caller.getValue()), pod(callee.getValue()), port))
            .as("%s: %s -> %s:%d", values, caller.getKey(), callee.getKey(), port)
            .isEqualTo(expected);
      }
      assertThat(
              policies.allows(
                  STRANGER, pod(caller.getValue()), containerPort(caller.getValue(), null)))
          .as("%s: an unrelated pod of the namespace -> %s", values, caller.getKey())
          .isFalse();
      assertThat(
              policies.allows(
                  PROMETHEUS, pod(caller.getValue()), containerPort(caller.getValue(), null)))
          .as("%s: Prometheus scrapes %s", values, caller.getKey())
          .isTrue();
      assertThat(policies.allows(pod(caller.getValue()), KUBE_DNS, 53))
          .as("%s: %s resolves names", values, caller.getKey())
          .isTrue();
      assertThat(policies.allows(pod(caller.getValue()), INTERNET, 443))
          .as(
              "%s: %s reaches the internet (only ai-streaming, for the model)",
              values, caller.getKey())
          .isEqualTo(caller.getKey().equals("ai-streaming"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "production"})
  void theChartsRedisIsReachableOnlyFromTheServices(String values) {
    List<ObjectNode> objects = Chart.render(values);
    NetworkPolicies policies = new NetworkPolicies(objects);
    ObjectNode redis =
        ofKind(objects, "StatefulSet").stream()
            .filter(s -> s.at("/metadata/name").asText().endsWith("-redis"))
            .findFirst()
            .orElseThrow();
    for (var service : components(objects).entrySet()) {
      assertThat(policies.allows(pod(service.getValue()), pod(redis), 6379))
          .as(service.getKey())
          .isTrue();
    }
    assertThat(policies.allows(STRANGER, pod(redis), 6379)).isFalse();
    assertThat(policies.allows(PROMETHEUS, pod(redis), 9121))
        .as("Prometheus scrapes Redis's exporter")
        .isTrue();
    assertThat(policies.allows(PROMETHEUS, pod(redis), 6379)).as("but not Redis").isFalse();
    assertThat(policies.allows(INGRESS_CONTROLLER, pod(redis), 6379)).isFalse();
    boolean keda = ofKind(objects, "ScaledObject").size() > 0;
    assertThat(policies.allows(Peer.pod("keda", Map.of("app", "keda-operator")), pod(redis), 6379))
        .as("KEDA reads the request queue's lag")
        .isEqualTo(keda);
  }

  // --- the rendered objects

  static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  static List<ObjectNode> workloads(List<ObjectNode> objects) {
    return Stream.concat(
            ofKind(objects, "Deployment").stream(), ofKind(objects, "StatefulSet").stream())
        .toList();
  }

  /** The services' Deployments by component name. */
  static Map<String, ObjectNode> components(List<ObjectNode> objects) {
    Map<String, ObjectNode> byName = new HashMap<>();
    for (ObjectNode d : ofKind(objects, "Deployment")) {
      byName.put(d.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText(), d);
    }
    assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(CALLS.keySet());
    return byName;
  }

  static Peer pod(ObjectNode workload) {
    Map<String, String> labels = new HashMap<>();
    workload
        .at("/spec/template/metadata/labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return Peer.pod(workload.at("/metadata/namespace").asText(), labels);
  }

  static boolean selects(JsonNode selector, ObjectNode workload) {
    return NetworkPolicies.matches(selector, pod(workload).labels());
  }

  static ObjectNode workloadOf(List<ObjectNode> objects, ObjectNode service) {
    ObjectNode selector = Chart.JSON.createObjectNode();
    selector.set("matchLabels", service.at("/spec/selector"));
    return workloads(objects).stream()
        .filter(w -> selects(selector, w))
        .findFirst()
        .orElseThrow(() -> new AssertionError(Chart.id(service) + " selects no pods"));
  }

  /** The container port a Service's targetPort names (or the first one, for null). */
  static int containerPort(ObjectNode workload, JsonNode targetPort) {
    for (JsonNode c : workload.at("/spec/template/spec/containers")) {
      for (JsonNode p : c.path("ports")) {
        if (targetPort == null
            || (targetPort.isInt()
                ? p.path("containerPort").asInt() == targetPort.asInt()
                : p.path("name").asText().equals(targetPort.asText()))) {
          return p.path("containerPort").asInt();
        }
      }
    }
    throw new AssertionError(Chart.id(workload) + " has no port " + targetPort);
  }

  /** The fewest pods a Deployment runs: its replicas, or its autoscaler's minimum. */
  static int minimumPods(List<ObjectNode> objects, ObjectNode deployment) {
    String name = deployment.at("/metadata/name").asText();
    for (ObjectNode hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
      if (hpa.at("/spec/scaleTargetRef/name").asText().equals(name)) {
        return hpa.at("/spec/minReplicas").asInt(1);
      }
    }
    for (ObjectNode scaled : ofKind(objects, "ScaledObject")) {
      if (scaled.at("/spec/scaleTargetRef/name").asText().equals(name)) {
        return scaled.at("/spec/minReplicaCount").asInt(0);
      }
    }
    assertThat(deployment.at("/spec/replicas").isInt())
        .as(name + " sets replicas or is autoscaled")
        .isTrue();
    return deployment.at("/spec/replicas").asInt();
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
