package dev.aicoder.ai;

import dev.aicoder.localredis.AbstractReadinessTest;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
@TestProfile(ReadinessTest.ProductionReadBlock.class)
class ReadinessTest extends AbstractReadinessTest {

  /** The production read block (tests use a shorter one), so a ping queued behind it shows. */
  public static class ProductionReadBlock implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("aicoder.ai.read-block", "2s");
    }
  }

  /**
   * At idle the request reader sits in a 2 s blocking read; readiness must not wait behind it, or a
   * probe with Kubernetes' default 1 s timeout takes an idle instance out of service.
   */
  @Test
  void readinessAnswersAtOnceWhileTheReaderBlocks() {
    // Generous against a slow machine (it takes a few ms), yet well under the 2 s block.
    assertReadyAtOnce(700);
  }
}
