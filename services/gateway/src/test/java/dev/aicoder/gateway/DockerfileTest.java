package dev.aicoder.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.common.Dockerfiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The images run as the chart runs them: this service's port, not root, writing only to /tmp. */
class DockerfileTest {

  @Test
  void imagesExposeTheServicePortRunAsNonRootAndWriteOnlyToTmp() {
    assertThat(Dockerfiles.problems(Path.of(""))).isEmpty();
  }
}
