package dev.aicoder.ai.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The ai-streaming service's settings; environment variables are named in application.properties.
 */
@ConfigMapping(prefix = "aicoder.ai")
public interface AiConfig {

  /** Most turns generated at once by one instance ({@code MAX_CONCURRENT_STREAMS}). */
  @WithDefault("32")
  int maxConcurrentStreams();

  /**
   * Most turn events written to Redis, and published to chat-websocket, in one command ({@code
   * BATCH_SIZE}); more wait for the next. Only a backlog fills a batch: a lone event never waits.
   */
  @WithDefault("256")
  int batchSize();

  /**
   * This instance's consumer name in the group ({@code AI_CODER_INSTANCE_ID}); unset, the pod's
   * name in Kubernetes, else the host's name and the process id, so it is unique per process.
   */
  Optional<String> instanceId();

  /**
   * A consumer of the group idle this long and holding no request is a worker that is gone, and is
   * removed from the group ({@code AI_CODER_CONSUMER_EXPIRY}). Live workers read every few seconds.
   */
  @WithDefault("5m")
  Duration consumerExpiry();

  /** How long a blocking read of new requests waits; shorter than the Redis client timeout. */
  @WithDefault("2s")
  Duration readBlock();

  /** A request untouched this long belongs to a dead worker and is claimed by another. */
  @WithDefault("15s")
  Duration claimIdle();

  /**
   * On SIGTERM, how long running turns may go on to finish before they are handed over to another
   * worker, which restarts them ({@code AI_CODER_SHUTDOWN_GRACE}); below the pod's
   * terminationGracePeriodSeconds (30 s by default), with room for the rest of the shutdown.
   */
  @WithDefault("25s")
  Duration shutdownGrace();

  /** How long a turn's event stream is kept after it ended, for clients that reconnect. */
  @WithDefault("10m")
  Duration turnRetention();

  /** How many times a turn is started (first run plus restarts) before it ends with an error. */
  @WithDefault("3")
  int maxAttempts();

  /** How long to wait for the model's first token before the turn ends with an error. */
  @WithDefault("60s")
  Duration firstTokenTimeout();

  /** How long the model may pause between tokens before the turn ends with an error. */
  @WithDefault("30s")
  Duration stallTimeout();

  /** Retries of a model call that failed with 429 or 5xx before its first token. */
  @WithDefault("2")
  int modelRetries();

  /** The first retry's delay; each further retry doubles it. */
  @WithDefault("500ms")
  Duration retryBackoff();

  /**
   * Most tokens of one answer ({@code AI_CODER_MAX_OUTPUT_TOKENS}): sent to the model as {@code
   * max_tokens}, and counted here too, for servers that ignore it.
   */
  @WithDefault("8192")
  int maxOutputTokens();

  /** Longest one answer may be generated for ({@code AI_CODER_MAX_TURN_DURATION}). */
  @WithDefault("5m")
  Duration maxTurnDuration();

  /** Most characters of one answer ({@code AI_CODER_MAX_ANSWER_CHARS}). */
  @WithDefault("200000")
  int maxAnswerChars();

  /** How much conversation history goes into a prompt, in characters (about 4 per token). */
  @WithDefault("24000")
  int historyBudgetChars();

  /**
   * Most characters of the workspace files attached to one prompt, all files together ({@code
   * AI_CODER_CONTEXT_BUDGET}; about 4 per token): files are taken in the order attached, the one
   * that does not fit is cut with a note, and any after it are named as not attached.
   */
  @WithDefault("48000")
  int contextBudget();

  /**
   * The gateway, which owns the workspace files attached to prompts and serves them on its internal
   * context route ({@code GATEWAY_URL}).
   */
  @WithDefault("http://localhost:8080")
  String gatewayUrl();

  /** The model endpoint; with no base URL the assistant says no model is configured. */
  Llm llm();

  /** Answers to identical deterministic requests, replayed from the cache service. */
  AnswerCache answerCache();

  /**
   * A request is answered from the cache, and its answer stored there, only when it is
   * deterministic: {@code AI_CODER_LLM_TEMPERATURE} is 0, and the prompt opted in or this is on.
   */
  interface AnswerCache {
    /**
     * Cache the answers of every deterministic request, opted in or not ({@code
     * AI_CODER_ANSWER_CACHE}).
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * How long an answer stays cached ({@code AI_CODER_ANSWER_CACHE_TTL}); unset, the cache
     * service's default.
     */
    Optional<Duration> ttl();

    /** The pause between replayed chunks; 0 plays a cached answer at once. */
    @WithDefault("0s")
    Duration replayGap();
  }

  /** An OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp's server, LiteLLM. */
  interface Llm {
    /** {@code AI_CODER_LLM_BASE_URL}, for example {@code http://localhost:11434/v1}. */
    Optional<String> baseUrl();

    /** {@code AI_CODER_LLM_API_KEY}; never logged. */
    Optional<String> apiKey();

    /** {@code AI_CODER_LLM_MODEL}. */
    @WithDefault("gpt-4o-mini")
    String model();

    /**
     * {@code AI_CODER_LLM_TEMPERATURE}, sent to the model when set; unset, the model's default.
     * Only 0 makes answers repeatable, and so cacheable.
     */
    Optional<Double> temperature();
  }
}
