package dev.aicoder.fakellm;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a {@link FakeLlm} for a {@code @QuarkusTest} (fast by default: first token after 20 ms, 5
 * ms between tokens, 20 tokens) and points ai-streaming at it.
 */
public class FakeLlmResource implements QuarkusTestResourceLifecycleManager {

  private static volatile FakeLlm fake;

  /** The fake of the running test resource. */
  public static FakeLlm fake() {
    return fake;
  }

  @Override
  public Map<String, String> start() {
    fake = FakeLlm.start(new Script(20, 5, 20));
    return Map.of(
        "aicoder.ai.llm.base-url", fake.baseUrl(),
        "aicoder.ai.llm.api-key", "test-key",
        "aicoder.ai.llm.model", "fake-model");
  }

  @Override
  public void stop() {
    if (fake != null) {
      fake.close();
      fake = null;
    }
  }
}
