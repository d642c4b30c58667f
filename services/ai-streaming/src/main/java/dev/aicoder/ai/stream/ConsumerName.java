package dev.aicoder.ai.stream;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * This instance's consumer name in the request group, which must be unique among live workers: the
 * pod's name in Kubernetes, stable across restarts of its container; elsewhere the host's name and
 * this process's id, since several processes on one host share the host name.
 */
final class ConsumerName {

  private ConsumerName() {}

  static String of(Optional<String> configured, Map<String, String> env, long pid) {
    if (configured.isPresent()) {
      return configured.get();
    }
    String host = env.get("HOSTNAME");
    boolean hasHost = host != null && !host.isBlank();
    // Kubernetes sets HOSTNAME to the pod's name and KUBERNETES_SERVICE_HOST in every pod.
    if (hasHost && env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return host;
    }
    return (hasHost ? host : "ai-" + UUID.randomUUID().toString().substring(0, 8)) + "-" + pid;
  }
}
