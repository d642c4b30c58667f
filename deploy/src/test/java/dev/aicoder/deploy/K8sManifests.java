package dev.aicoder.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The k8s/ kustomize tree, made from the chart: base is `helm template` with k8s/values.yaml; each
 * overlay holds what its values change: JSON patches of base objects, base objects it deletes and
 * objects only it has. {@link KustomizeDriftTest} writes it ({@code make k8s}) and checks it.
 */
final class K8sManifests {

  static final Path DIR = Chart.ROOT.resolve("k8s");

  /** Overlay name to the chart values file it renders (on top of k8s/values.yaml). */
  static final Map<String, String> OVERLAYS = Map.of("dev", "minimal", "prod", "production");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
  private static final String HEADER =
      "# Generated from helm/ai-coder by `make k8s`; do not edit (KustomizeDriftTest checks it).\n";

  private K8sManifests() {}

  /** The chart rendered for an overlay (null: the base), as kubectl should see it. */
  static String render(String overlay) {
    List<Path> values = new ArrayList<>();
    if (overlay != null) {
      values.add(Chart.values(OVERLAYS.get(overlay)));
    }
    values.add(DIR.resolve("values.yaml"));
    // Applied with kubectl, not installed by Helm.
    return Chart.template(values, Map.of())
        .replace("app.kubernetes.io/managed-by: Helm", "app.kubernetes.io/managed-by: kustomize");
  }

  /** Every file of the k8s/ tree but values.yaml and README.md, by path relative to k8s/. */
  static Map<String, String> files() {
    Map<String, String> files = new TreeMap<>();
    String base = render(null);
    files.put("base/ai-coder.yaml", HEADER + base.strip() + "\n");
    files.put(
        "base/kustomization.yaml",
        HEADER
            + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ai-coder.yaml\n");
    Map<String, ObjectNode> baseObjects = byId(Chart.parse(base));
    for (String overlay : new java.util.TreeSet<>(OVERLAYS.keySet())) {
      files.putAll(overlay(overlay, baseObjects, byId(Chart.parse(render(overlay)))));
    }
    return files;
  }

  private static Map<String, String> overlay(
      String overlay, Map<String, ObjectNode> base, Map<String, ObjectNode> wanted) {
    Map<String, String> files = new TreeMap<>();
    String dir = "overlays/" + overlay + "/";
    StringBuilder kustomization =
        new StringBuilder(
            HEADER
                + "# The chart with helm/ai-coder/ci/"
                + OVERLAYS.get(overlay)
                + "-values.yaml.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n");
    List<ObjectNode> added = new ArrayList<>();
    wanted.forEach(
        (id, object) -> {
          if (!base.containsKey(id)) {
            added.add(object);
          }
        });
    if (!added.isEmpty()) {
      kustomization.append("  - resources.yaml\n");
      files.put(dir + "resources.yaml", HEADER + yamlDocuments(added));
    }
    StringBuilder patches = new StringBuilder();
    base.forEach(
        (id, object) -> {
          ObjectNode target = wanted.get(id);
          if (target == null) {
            patches.append(deletion(object));
            return;
          }
          ArrayNode ops = Chart.JSON.createArrayNode();
          diff("", object, target, ops);
          if (!ops.isEmpty()) {
            String file = "patches/" + (kind(object) + "-" + name(object)).toLowerCase() + ".yaml";
            files.put(dir + file, HEADER + yaml(ops));
            patches.append(targetPatch(object, file));
          }
        });
    if (!patches.isEmpty()) {
      kustomization.append("patches:\n").append(patches);
    }
    files.put(dir + "kustomization.yaml", kustomization.toString());
    return files;
  }

  private static String targetPatch(ObjectNode object, String file) {
    String[] apiVersion = object.path("apiVersion").asText().split("/");
    String group = apiVersion.length == 2 ? apiVersion[0] : "";
    String version = apiVersion[apiVersion.length - 1];
    return "  - path: %s\n    target: {group: \"%s\", version: %s, kind: %s, name: %s}\n"
        .formatted(file, group, version, kind(object), name(object));
  }

  private static String deletion(ObjectNode object) {
    return """
          - patch: |-
              $patch: delete
              apiVersion: %s
              kind: %s
              metadata: {name: %s, namespace: %s}
        """
        .formatted(
            object.path("apiVersion").asText(),
            kind(object),
            name(object),
            object.path("metadata").path("namespace").asText());
  }

  /**
   * RFC 6902 operations turning {@code from} into {@code to}: field by field, and item by item in
   * lists of the same length (others are replaced whole).
   */
  static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
    if (from.isObject() && to.isObject()) {
      for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!to.has(field)) {
          ops.addObject().put("op", "remove").put("path", path + "/" + escape(field));
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
        var entry = it.next();
        String child = path + "/" + escape(entry.getKey());
        if (!from.has(entry.getKey())) {
          ops.addObject().put("op", "add").put("path", child).set("value", entry.getValue());
        } else {
          diff(child, from.get(entry.getKey()), entry.getValue(), ops);
        }
      }
    } else if (from.isArray() && to.isArray() && from.size() == to.size()) {
      for (int i = 0; i < from.size(); i++) {
        diff(path + "/" + i, from.get(i), to.get(i), ops);
      }
    } else if (!from.equals(to)) {
      ops.addObject().put("op", "replace").put("path", path).set("value", to);
    }
  }

  private static String escape(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }

  static Map<String, ObjectNode> byId(List<ObjectNode> objects) {
    Map<String, ObjectNode> byId = new LinkedHashMap<>();
    objects.forEach(o -> byId.put(Chart.id(o), o));
    return byId;
  }

  private static String kind(JsonNode object) {
    return object.path("kind").asText();
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static String yamlDocuments(List<ObjectNode> objects) {
    StringBuilder out = new StringBuilder();
    for (ObjectNode object : objects) {
      out.append(out.isEmpty() ? "" : "---\n").append(yaml(object));
    }
    return out.toString();
  }

  private static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
