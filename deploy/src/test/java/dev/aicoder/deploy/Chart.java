package dev.aicoder.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The chart in helm/ai-coder, rendered by real Helm (helm-java) into Kubernetes objects. */
final class Chart {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DIR = ROOT.resolve("helm/ai-coder");
  static final String RELEASE = "ai-coder";
  static final String NAMESPACE = "ai-coder";

  /** helm template assumes Kubernetes 1.20 unless told; the chart needs 1.25 or later. */
  static final String KUBE_VERSION = "1.32.0";

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private Chart() {}

  /** A values file the tests render: helm/ai-coder/ci/NAME-values.yaml. */
  static Path values(String name) {
    return DIR.resolve("ci/" + name + "-values.yaml");
  }

  /** The manifest `helm template` prints for these values files and --set pairs. */
  static String template(List<Path> valuesFiles, Map<String, String> sets) {
    FakeKubeApi.get();
    TemplateCommand command =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    valuesFiles.forEach(command::withValuesFile);
    sets.forEach(command::set);
    return command.call();
  }

  static List<ObjectNode> render(List<Path> valuesFiles, Map<String, String> sets) {
    return parse(template(valuesFiles, sets));
  }

  static List<ObjectNode> render(String valuesName) {
    return render(List.of(values(valuesName)), Map.of());
  }

  /** The objects of a multi-document YAML manifest (empty documents skipped). */
  static List<ObjectNode> parse(String manifest) {
    List<ObjectNode> objects = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(manifest)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode node = it.next();
        if (node instanceof ObjectNode object && !object.isEmpty()) {
          objects.add(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  static String id(JsonNode object) {
    return object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
  }
}
