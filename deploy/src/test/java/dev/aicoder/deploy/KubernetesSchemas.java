package dev.aicoder.deploy;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.Keyword;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Strict offline validation of Kubernetes objects: built-in kinds by client-java's models, custom
 * resources by their vendored CRD schemas (src/test/resources/crds) with unknown fields forbidden.
 */
final class KubernetesSchemas {

  /** Built-in kinds by "apiVersion/kind", each with the client-java model the API server uses. */
  static final Map<String, Class<?>> BUILT_IN =
      Map.ofEntries(
          entry("v1/ConfigMap", V1ConfigMap.class),
          entry("v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class),
          entry("v1/Secret", V1Secret.class),
          entry("v1/Service", V1Service.class),
          entry("v1/ServiceAccount", V1ServiceAccount.class),
          entry("apps/v1/Deployment", V1Deployment.class),
          entry("apps/v1/StatefulSet", V1StatefulSet.class),
          entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
          entry("networking.k8s.io/v1/Ingress", V1Ingress.class),
          entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class),
          entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class));

  /** Custom resources by "apiVersion/kind", each with its schema file in crds/. */
  static final Map<String, String> CUSTOM =
      Map.of(
          "monitoring.coreos.com/v1/ServiceMonitor", "servicemonitor-v1.json",
          "monitoring.coreos.com/v1/PrometheusRule", "prometheusrule-v1.json",
          "keda.sh/v1alpha1/ScaledObject", "scaledobject-v1alpha1.json",
          "keda.sh/v1alpha1/TriggerAuthentication", "triggerauthentication-v1alpha1.json",
          "gateway.networking.k8s.io/v1/HTTPRoute", "httproute-v1.json");

  /** The CRDs' vendor keywords: annotations to a JSON Schema validator, not assertions. */
  private static final JsonMetaSchema KUBERNETES_DRAFT_7 =
      JsonMetaSchema.builder(JsonMetaSchema.getV7())
          .keywords(
              Stream.of(
                      "x-kubernetes-int-or-string",
                      "x-kubernetes-list-map-keys",
                      "x-kubernetes-list-type",
                      "x-kubernetes-map-type",
                      "x-kubernetes-validations",
                      "x-kubernetes-preserve-unknown-fields",
                      "x-kubernetes-embedded-resource")
                  .map(k -> (Keyword) new NonValidationKeyword(k))
                  .toList())
          .build();

  private static final Map<String, JsonSchema> SCHEMAS =
      CUSTOM.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> load(e.getValue())));

  private KubernetesSchemas() {}

  /** Every problem found in this object, one line each ("/json/pointer: what"); empty if valid. */
  static List<String> errors(ObjectNode object) {
    String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    if (BUILT_IN.containsKey(type)) {
      return builtInErrors(BUILT_IN.get(type), object.toString());
    }
    if (SCHEMAS.containsKey(type)) {
      return customErrors(SCHEMAS.get(type), object);
    }
    return List.of(
        "no schema for "
            + type
            + ": add it to KubernetesSchemas.BUILT_IN or vendor its CRD into crds/");
  }

  /**
   * validateJsonElement rejects unknown and missing required fields (first one only); fromJson then
   * binds the typed fields, which catches some wrong types (an object where a list belongs, a word
   * where a number belongs).
   */
  private static List<String> builtInErrors(Class<?> model, String json) {
    String problem =
        call(model, "validateJsonElement", JsonElement.class, JsonParser.parseString(json));
    if (problem == null) {
      problem = call(model, "fromJson", String.class, json);
    }
    return problem == null ? List.of() : List.of(problem);
  }

  private static List<String> customErrors(JsonSchema schema, ObjectNode object) {
    List<String> errors = new ArrayList<>();
    for (ValidationMessage message : schema.validate(object)) {
      // The message starts with the JSON pointer of the field, which is empty at the root.
      String text = message.getMessage();
      errors.add(text.startsWith(":") ? "/" + text : text);
    }
    // A CRD says only `metadata: {type: object}`; the API server checks it as an ObjectMeta.
    JsonNode metadata = object.path("metadata");
    if (!metadata.isObject()) {
      errors.add("/metadata: missing");
    } else {
      String problem =
          call(
              V1ObjectMeta.class,
              "validateJsonElement",
              JsonElement.class,
              JsonParser.parseString(metadata.toString()));
      if (problem != null) {
        errors.add("/metadata: " + problem);
      }
    }
    return errors;
  }

  /** Calls a static method of a model; the message of what it threw, or null if it returned. */
  private static String call(Class<?> model, String name, Class<?> parameter, Object argument) {
    try {
      Method method = model.getMethod(name, parameter);
      method.invoke(null, argument);
      return null;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      return model.getSimpleName()
          + "."
          + name
          + ": "
          + cause.getClass().getSimpleName()
          + ": "
          + shortened(String.valueOf(cause.getMessage()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(model + " has no static " + name + "(" + parameter + ")", e);
    }
  }

  /**
   * client-java's messages end with the whole JSON object at fault (a Deployment is kilobytes):
   * keep enough of it to see which nested object it is.
   */
  private static String shortened(String message) {
    int json = message.indexOf(" JSON");
    int object = json < 0 ? -1 : message.indexOf('{', json);
    int end = object + 200;
    return object < 0 || end >= message.length() ? message : message.substring(0, end) + "…";
  }

  private static JsonSchema load(String file) {
    try (InputStream in = KubernetesSchemas.class.getResourceAsStream("/crds/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no crds/" + file + " on the test classpath");
      }
      JsonNode schema = Chart.JSON.readTree(in);
      closeObjects(schema);
      JsonSchemaFactory factory =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V7, builder -> builder.metaSchema(KUBERNETES_DRAFT_7));
      return factory.getSchema(schema, SchemaValidatorsConfig.builder().build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The API server prunes fields a CRD does not declare, so a typo there is silently lost: forbid
   * them, except where the CRD keeps unknown fields or declares its own additionalProperties. Only
   * properties, items and additionalProperties hold nested object schemas in a structural schema
   * (anyOf and friends may only restate them, so closing those would reject declared fields).
   */
  private static void closeObjects(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    if (node.has("properties")) {
      node.get("properties").forEach(KubernetesSchemas::closeObjects);
      if (!node.has("additionalProperties")
          && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        node.put("additionalProperties", false);
      }
    }
    JsonNode items = node.path("items");
    if (items.isArray()) {
      items.forEach(KubernetesSchemas::closeObjects);
    } else {
      closeObjects(items);
    }
    closeObjects(node.path("additionalProperties"));
  }
}
