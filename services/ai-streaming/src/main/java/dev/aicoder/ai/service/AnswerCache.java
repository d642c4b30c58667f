package dev.aicoder.ai.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.cache.client.CacheClient;
import dev.aicoder.protocol.TurnRequest;
import dev.langchain4j.model.openai.internal.chat.Message;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers to identical deterministic requests, in the cache service's {@value #NAMESPACE}
 * namespace: the key is a hash of everything the model's answer depends on, the value the chunks
 * the model streamed and its token counts. The cache only ever saves time: any failure here is a
 * miss, and the model answers.
 */
@ApplicationScoped
public class AnswerCache {

  static final String NAMESPACE = "answers";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CacheClient cache;
  private final AiConfig config;
  private final TurnMetrics metrics;
  private final AtomicBoolean warned = new AtomicBoolean();

  /** A cached answer: the model's chunks, as it streamed them, and its token counts. */
  @RegisterForReflection
  record Stored(List<String> chunks, int inputTokens, int outputTokens) {}

  AnswerCache(CacheClient cache, AiConfig config, TurnMetrics metrics) {
    this.cache = cache;
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * The cache key of the request, or empty when its answer must not be cached: the model's
   * temperature is not 0 (so the answer would vary), or neither the prompt nor the configuration
   * asked for the cache.
   */
  Optional<String> key(TurnRequest request, List<Message> messages) {
    Optional<Double> temperature = config.llm().temperature();
    if (!(request.cache() || config.answerCache().enabled())
        || temperature.isEmpty()
        || temperature.get() != 0.0) {
      return Optional.empty();
    }
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("model", config.llm().model());
    input.put("temperature", temperature.get());
    input.put("maxTokens", config.maxOutputTokens());
    input.put("messages", messages); // the attached files' contents are in the last one
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(input));
      return Optional.of(HexFormat.of().formatHex(digest));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      failed("compute a key", e);
      return Optional.empty();
    }
  }

  /** The cached answer under {@code key}, if any; empty on any failure. */
  Optional<Stored> find(String key) {
    try {
      Optional<Stored> found = cache.get(NAMESPACE, key).map(AnswerCache::read);
      metrics.answerCache(found.isPresent() ? "hit" : "miss");
      return found;
    } catch (RuntimeException e) {
      failed("read", e);
      metrics.answerCache("miss");
      return Optional.empty();
    }
  }

  /** Stores a complete answer; failures are logged, never thrown. */
  void store(String key, Stored answer) {
    try {
      cache.put(
          NAMESPACE, key, JSON.writeValueAsBytes(answer), config.answerCache().ttl().orElse(null));
      metrics.answerCache("stored");
    } catch (IOException | RuntimeException e) {
      failed("store", e);
    }
  }

  private static Stored read(byte[] bytes) {
    try {
      Stored stored = JSON.readValue(bytes, Stored.class);
      if (stored.chunks() == null) {
        throw new IllegalArgumentException("no chunks");
      }
      return stored;
    } catch (IOException e) {
      throw new IllegalArgumentException("an unreadable cached answer: " + e.getMessage(), e);
    }
  }

  private void failed(String what, Exception e) {
    if (warned.compareAndSet(false, true)) {
      Log.warnf("The answer cache could not %s (%s); answering from the model", what, e.toString());
    } else {
      Log.debugf("The answer cache could not %s: %s", what, e);
    }
  }
}
