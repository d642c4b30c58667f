package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json (and the chart's own checks) refuse bad values, each with a clear message. */
class ValuesSchemaTest {

  static Stream<Arguments> badValues() {
    return Stream.of(
        bad(
            "a typo in a top-level key",
            "additional properties 'ingres' not allowed",
            "ingres.enabled",
            "true"),
        bad("a port out of range", "/services/gateway/port", "services.gateway.port", "80"),
        bad("replicas as a word", "/services/cache/replicas", "services.cache.replicas", "three"),
        bad("an unknown pull policy", "/image/pullPolicy", "image.pullPolicy", "Sometimes"),
        bad("a model URL without scheme", "/model/baseUrl", "model.baseUrl", "api.openai.com/v1"),
        bad("a temperature as a word", "/model/temperature", "model.temperature", "hot"),
        bad("a cache file bound as a word", "/cacheFiles/maxBytes", "cacheFiles.maxBytes", "lots"),
        bad(
            "a memory request that is no quantity", "/services/metrics/resources/requests/memory",
            "services.metrics.resources.requests.memory", "lots"),
        bad(
            "a service without resources",
            "/services/search",
            "services.search.enabled",
            "true",
            "services.search.port",
            "8085"),
        bad("a short admin password", "/admin/password", "admin.password", "short"),
        bad(
            "two gateways on a ReadWriteOnce volume",
            "ReadWriteMany",
            "services.gateway.replicas",
            "2"),
        bad(
            "an autoscaled gateway on a ReadWriteOnce volume", "ReadWriteMany",
            "services.gateway.autoscaling.enabled", "true"),
        bad("no Redis at all", "/externalRedis", "redis.enabled", "false"),
        bad(
            "a Redis host with a scheme",
            "/externalRedis/host",
            "redis.enabled",
            "false",
            "externalRedis.host",
            "redis://cache.internal"),
        bad(
            "Redis Cluster",
            "/externalRedis",
            "redis.enabled",
            "false",
            "externalRedis.host",
            "r",
            "externalRedis.cluster",
            "true"),
        bad(
            "a sentinel without port",
            "/externalRedis/sentinel/hosts/0",
            "redis.enabled",
            "false",
            "externalRedis.sentinel.enabled",
            "true",
            "externalRedis.sentinel.hosts[0]",
            "sentinel-0"),
        bad(
            "an ingress host with a scheme",
            "/ingress/host",
            "ingress.enabled",
            "true",
            "ingress.host",
            "https://ai.example.com"),
        bad("an HTTPRoute with no Gateway", "/httpRoute/parentRefs", "httpRoute.enabled", "true"),
        bad(
            "a trusted proxy that is no address", "/proxy/trustedProxies/0",
            "proxy.trustedProxies[0]", "the ingress"),
        bad(
            "a grace period shorter than the drain",
            "services.ai-streaming.shutdown.terminationGracePeriodSeconds (20) must exceed",
            "services.ai-streaming.shutdown.terminationGracePeriodSeconds",
            "20"),
        bad(
            "KEDA without autoscaling",
            "set services.ai-streaming.autoscaling.enabled",
            "keda.enabled",
            "true",
            "services.ai-streaming.autoscaling.enabled",
            "false"),
        bad(
            "an environment variable name with a dash",
            "'my-setting' does not match pattern",
            "env.my-setting",
            "x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void refuses(String what, String message, Map<String, String> sets) {
    assertThatThrownBy(() -> Chart.template(List.of(), sets))
        .as(what)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(message);
  }

  private static Arguments bad(String what, String message, String... pairs) {
    Map<String, String> sets = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      sets.put(pairs[i], pairs[i + 1]);
    }
    return Arguments.of(what, message, sets);
  }
}
