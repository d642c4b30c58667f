package dev.aicoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/ is the chart's rendering: the committed files are what `make k8s` writes today, and `kubectl
 * kustomize` of the base and each overlay gives exactly the objects Helm renders.
 */
class KustomizeDriftTest {

  @Test
  void theCommittedManifestsAreTheChartsRendering() throws IOException {
    Map<String, String> expected = K8sManifests.files();
    if (Boolean.getBoolean("k8s.write")) {
      write(expected);
    }
    Map<String, String> committed = committed();
    String fix = "k8s/%s differs from the chart's rendering: run `make k8s` and commit the result";
    assertThat(committed.keySet()).as(fix, "").isEqualTo(expected.keySet());
    expected.forEach((file, text) -> assertThat(committed.get(file)).as(fix, file).isEqualTo(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void kubectlKustomizeBuildsWhatHelmRenders(String tree) throws Exception {
    Path dir = K8sManifests.DIR.resolve(tree.equals("base") ? "base" : "overlays/" + tree);
    Map<String, ObjectNode> built = K8sManifests.byId(Chart.parse(kustomize(dir)));
    Map<String, ObjectNode> rendered =
        K8sManifests.byId(Chart.parse(K8sManifests.render(tree.equals("base") ? null : tree)));
    assertThat(built.keySet())
        .as(tree + ": objects")
        .containsExactlyInAnyOrderElementsOf(rendered.keySet());
    rendered.forEach(
        (id, object) -> assertThat(built.get(id)).as(tree + ": " + id).isEqualTo(object));
  }

  private static String kustomize(Path dir) throws Exception {
    Path errors = Files.createTempFile("kustomize", ".err");
    Process kubectl;
    try {
      kubectl =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectError(errors.toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "kubectl is not installed: `kubectl kustomize` checks k8s/ (.ci/run installs it)", e);
    }
    String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(kubectl.exitValue())
        .as("kubectl kustomize %s: %s", dir, Files.readString(errors))
        .isZero();
    Files.delete(errors);
    return out;
  }

  private static Map<String, String> committed() throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (Path path : generated()) {
      files.put(K8sManifests.DIR.relativize(path).toString(), Files.readString(path));
    }
    return files;
  }

  private static List<Path> generated() throws IOException {
    List<Path> paths = new java.util.ArrayList<>();
    for (String dir : List.of("base", "overlays")) {
      Path root = K8sManifests.DIR.resolve(dir);
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(Files::isRegularFile).forEach(paths::add);
        }
      }
    }
    return paths;
  }

  private static void write(Map<String, String> files) throws IOException {
    for (Path stale : generated()) {
      Files.delete(stale);
    }
    for (var file : files.entrySet()) {
      Path path = K8sManifests.DIR.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
  }
}
