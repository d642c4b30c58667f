package dev.aicoder.chat;

import dev.aicoder.localredis.AbstractReadinessTest;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ReadinessTest extends AbstractReadinessTest {

  /**
   * Issue 11 row 8: at idle the tailer sits in a blocking read of up to a second on its own
   * connection; readiness must not wait behind it, or a probe with Kubernetes' default 1 s timeout
   * takes an idle instance out of service.
   */
  @Test
  void readinessAnswersAtOnceWhileTheTailerBlocks() {
    // Generous against a slow machine (it takes a few ms), yet well under the 1 s block.
    assertReadyAtOnce(500);
  }
}
