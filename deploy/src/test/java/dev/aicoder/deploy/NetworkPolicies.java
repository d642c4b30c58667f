package dev.aicoder.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' NetworkPolicy semantics over rendered objects, for asking "may this peer open this
 * port on that pod": a pod selected by no policy of a direction is open in it; a selected pod
 * admits what any selecting policy's rules admit. Pods outside the cluster are addresses.
 */
final class NetworkPolicies {

  /** A pod (namespace and labels) or, with an address, something outside the cluster. */
  record Peer(String namespace, Map<String, String> labels, String address) {
    static Peer pod(String namespace, Map<String, String> labels) {
      return new Peer(namespace, labels, null);
    }

    static Peer external(String address) {
      return new Peer(null, Map.of(), address);
    }

    Map<String, String> namespaceLabels() {
      return namespace == null ? Map.of() : Map.of("kubernetes.io/metadata.name", namespace);
    }
  }

  private final List<JsonNode> policies;

  NetworkPolicies(List<? extends JsonNode> objects) {
    this.policies =
        objects.stream()
            .filter(o -> o.path("kind").asText().equals("NetworkPolicy"))
            .map(JsonNode.class::cast)
            .toList();
  }

  /** Whether {@code from} may open TCP {@code port} on {@code to}, egress and ingress both. */
  boolean allows(Peer from, Peer to, int port) {
    return admits(to, "Ingress", "ingress", "from", from, port)
        && admits(from, "Egress", "egress", "to", to, port);
  }

  private boolean admits(
      Peer pod, String type, String rulesField, String peersField, Peer other, int port) {
    if (pod.address() != null) {
      return true; // outside the cluster: no policy of ours applies
    }
    List<JsonNode> selecting =
        policies.stream()
            .filter(p -> p.path("metadata").path("namespace").asText().equals(pod.namespace()))
            .filter(p -> matches(p.path("spec").path("podSelector"), pod.labels()))
            .filter(p -> types(p).contains(type))
            .toList();
    if (selecting.isEmpty()) {
      return true;
    }
    for (JsonNode policy : selecting) {
      String namespace = policy.path("metadata").path("namespace").asText();
      for (JsonNode rule : policy.path("spec").path(rulesField)) {
        if (portMatches(rule.path("ports"), port)
            && peerMatches(rule.path(peersField), namespace, other)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> types(JsonNode policy) {
    JsonNode types = policy.path("spec").path("policyTypes");
    if (types.isMissingNode()) {
      return policy.path("spec").has("egress") ? List.of("Ingress", "Egress") : List.of("Ingress");
    }
    return java.util.stream.StreamSupport.stream(types.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }

  private static boolean portMatches(JsonNode ports, int port) {
    if (ports.isMissingNode() || ports.isEmpty()) {
      return true;
    }
    for (JsonNode p : ports) {
      boolean tcp = p.path("protocol").asText("TCP").equals("TCP");
      if (tcp && (p.path("port").isMissingNode() || p.path("port").asInt() == port)) {
        return true;
      }
    }
    return false;
  }

  private static boolean peerMatches(JsonNode peers, String policyNamespace, Peer other) {
    if (peers.isMissingNode() || peers.isEmpty()) {
      return true; // no from/to: everyone
    }
    for (JsonNode peer : peers) {
      if (peer.has("ipBlock")) {
        if (other.address() != null && inBlock(peer.path("ipBlock"), other.address())) {
          return true;
        }
        continue;
      }
      if (other.address() != null) {
        continue;
      }
      boolean namespaceOk =
          peer.has("namespaceSelector")
              ? matches(peer.path("namespaceSelector"), other.namespaceLabels())
              : other.namespace().equals(policyNamespace);
      boolean podOk = !peer.has("podSelector") || matches(peer.path("podSelector"), other.labels());
      if (namespaceOk && podOk) {
        return true;
      }
    }
    return false;
  }

  /** A label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
  static boolean matches(JsonNode selector, Map<String, String> labels) {
    for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
      var entry = it.next();
      if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String value = labels.get(expression.path("key").asText());
      List<String> values =
          java.util.stream.StreamSupport.stream(expression.path("values").spliterator(), false)
              .map(JsonNode::asText)
              .toList();
      boolean ok =
          switch (expression.path("operator").asText()) {
            case "In" -> values.contains(value);
            case "NotIn" -> !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown operator in " + expression);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean inBlock(JsonNode block, String address) {
    if (!inCidr(block.path("cidr").asText(), address)) {
      return false;
    }
    for (JsonNode except : block.path("except")) {
      if (inCidr(except.asText(), address)) {
        return false;
      }
    }
    return true;
  }

  private static boolean inCidr(String cidr, String address) {
    try {
      String[] parts = cidr.split("/");
      byte[] network = InetAddress.getByName(parts[0]).getAddress();
      byte[] candidate = InetAddress.getByName(address).getAddress();
      if (network.length != candidate.length) {
        return false;
      }
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((network[i / 8] & mask) != (candidate[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + cidr + " or " + address, e);
    }
  }
}
