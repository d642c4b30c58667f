package dev.aicoder.ai.model;

import dev.aicoder.ai.config.AiConfig;
import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import dev.langchain4j.model.openai.internal.shared.Usage;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Streams chat completions from the configured OpenAI-compatible endpoint through LangChain4j's
 * OpenAI client, which quarkus-langchain4j backs with its Vert.x REST client.
 *
 * <p>We use the client rather than {@code StreamingChatModel} because only the client hands back a
 * cancel handle as soon as the request starts: a cancel or a first-token timeout must abort the
 * HTTP call even before the model sent anything.
 */
@ApplicationScoped
public class ModelClient {

  /**
   * Connections one client keeps to the model server. quarkus-langchain4j builds its REST client
   * programmatically, so the REST client's default pool of 50 applies and no setting reaches it;
   * every streaming turn holds a connection for its whole answer, so the 51st turn would wait for
   * another's complete answer. We therefore spread turns over enough clients.
   */
  static final int CONNECTIONS_PER_CLIENT = 50;

  private final AiConfig.Llm llm;
  private final int maxOutputTokens;
  private final List<OpenAiClient> clients;
  private final AtomicInteger next = new AtomicInteger();

  ModelClient(AiConfig config) {
    this.llm = config.llm();
    this.maxOutputTokens = config.maxOutputTokens();
    int count =
        (config.maxConcurrentStreams() + CONNECTIONS_PER_CLIENT - 1) / CONNECTIONS_PER_CLIENT;
    this.clients =
        llm.baseUrl()
            .filter(url -> !url.isBlank())
            .map(url -> IntStream.range(0, count).mapToObj(i -> build(url, config)).toList())
            .orElse(List.of());
    if (clients.isEmpty()) {
      Log.warn("No model configured: set AI_CODER_LLM_BASE_URL (and AI_CODER_LLM_MODEL)");
    } else {
      Log.infof("Model endpoint %s, model %s", llm.baseUrl().get(), llm.model());
    }
  }

  private static OpenAiClient build(String url, AiConfig config) {
    // The read timeout is a backstop only: the turn's own watchdog aborts a stalled call sooner.
    Duration read = config.firstTokenTimeout().plus(config.stallTimeout());
    return OpenAiClient.builder()
        .baseUrl(url)
        .apiKey(config.llm().apiKey().filter(k -> !k.isBlank()).orElse("none"))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(read)
        .build();
  }

  public boolean isConfigured() {
    return !clients.isEmpty();
  }

  public String model() {
    return llm.model();
  }

  /** Receives what one streamed completion produces; called from the client's I/O threads. */
  public interface Listener {
    void onToken(String text);

    /**
     * The stream ended. {@code finishReason} is the model's ({@code stop}, or {@code length} when
     * it reached {@code max_tokens}), null when the connection closed before the model was done.
     */
    void onComplete(int inputTokens, int outputTokens, String finishReason);

    void onError(Throwable error);
  }

  /**
   * Starts streaming a completion; the returned handle aborts the HTTP call.
   *
   * <p>The REST client propagates the current OpenTelemetry context, so calling this inside the
   * turn's span carries the trace to the model server.
   */
  public ResponseHandle stream(List<Message> messages, Listener listener) {
    ChatCompletionRequest request =
        ChatCompletionRequest.builder().model(llm.model()).messages(messages).stream(true)
            .streamOptions(StreamOptions.builder().includeUsage(true).build())
            .maxTokens(maxOutputTokens)
            .temperature(llm.temperature().orElse(null))
            .build();
    int[] usage = {0, 0};
    String[] finishReason = {null};
    OpenAiClient client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
    return client
        .chatCompletion(request)
        .onPartialResponse(
            (ChatCompletionResponse chunk) -> {
              String text = content(chunk);
              if (text != null && !text.isEmpty()) {
                listener.onToken(text);
              }
              if (chunk.choices() != null
                  && !chunk.choices().isEmpty()
                  && chunk.choices().get(0).finishReason() != null) {
                finishReason[0] = chunk.choices().get(0).finishReason();
              }
              Usage u = chunk.usage();
              if (u != null) {
                usage[0] = u.promptTokens() == null ? 0 : u.promptTokens();
                usage[1] = u.completionTokens() == null ? 0 : u.completionTokens();
              }
            })
        .onComplete(() -> listener.onComplete(usage[0], usage[1], finishReason[0]))
        .onError(listener::onError)
        .execute();
  }

  private static String content(ChatCompletionResponse chunk) {
    if (chunk.choices() == null || chunk.choices().isEmpty()) {
      return null;
    }
    var delta = chunk.choices().get(0).delta();
    return delta == null ? null : delta.content();
  }
}
