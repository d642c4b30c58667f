package dev.aicoder.ai.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The ai-streaming service's settings; environment variables are named in application.properties.
 */
@ConfigMapping(prefix = "aicoder.ai")
public interface AiConfig {

  /** Most turns generated at once by one instance ({@code MAX_CONCURRENT_STREAMS}). */
  @WithDefault("32")
  int maxConcurrentStreams();

  /** The model endpoint; with no base URL the assistant says no model is configured. */
  Llm llm();

  /** An OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp's server, LiteLLM. */
  interface Llm {
    /** {@code AI_CODER_LLM_BASE_URL}, for example {@code http://localhost:11434/v1}. */
    Optional<String> baseUrl();

    /** {@code AI_CODER_LLM_API_KEY}; never logged. */
    Optional<String> apiKey();

    /** {@code AI_CODER_LLM_MODEL}. */
    Optional<String> model();
  }
}
