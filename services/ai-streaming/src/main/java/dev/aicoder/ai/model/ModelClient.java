package dev.aicoder.ai.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.ai.config.AiConfig;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Streams chat completions from the configured OpenAI-compatible endpoint. The request is
 * LangChain4j's OpenAI request type; the Server-Sent Events of the answer are read here, straight
 * from a Vert.x HTTP client.
 *
 * <p>LangChain4j's own client (backed by the Quarkus REST client) spent 19 % of this service's CPU
 * samples at 200 streams in its SSE parser alone, with reader interceptors and context propagation
 * per event besides (benchmarks/chat-latency). Reading the stream here also hands back the cancel
 * handle as soon as the request starts: a cancel or a first-token timeout resets the HTTP call even
 * before the model sent anything.
 */
@ApplicationScoped
public class ModelClient {

  /** The most of an error body kept for the message a user sees. */
  private static final int MAX_ERROR_BODY = 4096;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final AiConfig.Llm llm;
  private final int maxOutputTokens;
  private final Optional<String> url;
  private final String authorization;
  private final long idleTimeoutMs;
  private final int poolSize;
  private final OpenTelemetry telemetry;
  private final Tracer tracer;

  ModelClient(AiConfig config, OpenTelemetry telemetry, Tracer tracer) {
    this.tracer = tracer;
    this.llm = config.llm();
    this.maxOutputTokens = config.maxOutputTokens();
    this.telemetry = telemetry;
    // The idle timeout is a backstop only: the turn's own watchdog aborts a stalled call sooner.
    Duration idle = config.firstTokenTimeout().plus(config.stallTimeout());
    this.idleTimeoutMs = idle.toMillis();
    this.url =
        llm.baseUrl()
            .filter(base -> !base.isBlank())
            .map(base -> base.replaceAll("/+$", "") + "/chat/completions");
    this.authorization = "Bearer " + llm.apiKey().filter(k -> !k.isBlank()).orElse("none");
    // Every streaming turn holds a connection for its whole answer.
    this.poolSize = config.maxConcurrentStreams() + 8;
    if (url.isEmpty()) {
      Log.warn("No model configured: set AI_CODER_LLM_BASE_URL (and AI_CODER_LLM_MODEL)");
    } else {
      Log.infof("Model endpoint %s, model %s", llm.baseUrl().get(), llm.model());
    }
  }

  /**
   * A pool of connections to the model. Vert.x opens a connection on the event loop that asks for
   * it but hands a free one to any loop, so a pool used from one loop only keeps its connections,
   * and its answers' bytes, on that loop.
   */
  public HttpClient newPool(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(10_000).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(poolSize));
  }

  public boolean isConfigured() {
    return url.isPresent();
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
   * Starts streaming a completion over a connection of {@code pool} ({@link #newPool}); the
   * returned handle aborts the HTTP call. The call is a client span under {@code trace} (the
   * turn's), and goes to the model server as its {@code traceparent}.
   */
  public ResponseHandle stream(
      HttpClient pool, List<Message> messages, Context trace, Listener listener) {
    ChatCompletionRequest request =
        ChatCompletionRequest.builder().model(llm.model()).messages(messages).stream(true)
            .streamOptions(StreamOptions.builder().includeUsage(true).build())
            .maxTokens(maxOutputTokens)
            .temperature(llm.temperature().orElse(null))
            .build();
    URI target = URI.create(url.orElseThrow());
    Span span =
        tracer
            .spanBuilder("POST")
            .setParent(trace)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("http.request.method", "POST")
            .setAttribute("server.address", target.getHost())
            .setAttribute("server.port", (long) port(target))
            .setAttribute(
                "url.full",
                target.getUserInfo() == null
                    ? url.get()
                    : url.get().replace(target.getUserInfo() + "@", ""))
            .startSpan();
    Call call = new Call(listener, span);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url.orElseThrow())
            .setIdleTimeout(idleTimeoutMs)
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", "text/event-stream")
            .putHeader("Authorization", authorization);
    telemetry
        .getPropagators()
        .getTextMapPropagator()
        .inject(trace.with(span), options, (o, key, value) -> o.putHeader(key, value));
    try {
      Buffer body = Buffer.buffer(JSON.writeValueAsBytes(request));
      pool.request(options).onSuccess(sent -> call.send(sent, body)).onFailure(call::failed);
    } catch (IOException e) {
      call.failed(e);
    }
    return call;
  }

  private static int port(URI target) {
    return target.getPort() >= 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
  }

  /** One streamed completion: what it read so far, and the handle that aborts it. */
  private static final class Call extends ResponseHandle {
    private final Listener listener;
    private final Span span;
    private HttpClientRequest request;
    private boolean cancelled;
    private volatile boolean finished;
    private int inputTokens;
    private int outputTokens;
    private String finishReason;

    Call(Listener listener, Span span) {
      this.listener = listener;
      this.span = span;
    }

    synchronized void send(HttpClientRequest sent, Buffer body) {
      request = sent;
      if (cancelled) {
        sent.reset();
        return;
      }
      sent.exceptionHandler(this::failed);
      sent.send(body).onSuccess(this::response).onFailure(this::failed);
    }

    @Override
    public synchronized void cancel() {
      if (!cancelled && !finished) {
        span.setAttribute("aicoder.model.aborted", true);
        span.end();
      }
      cancelled = true;
      if (request != null) {
        request.reset();
      }
    }

    private void response(HttpClientResponse response) {
      span.setAttribute("http.response.status_code", (long) response.statusCode());
      if (response.statusCode() / 100 != 2) {
        Buffer error = Buffer.buffer();
        response.handler(
            chunk -> {
              if (error.length() < MAX_ERROR_BODY) {
                error.appendBuffer(chunk);
              }
            });
        response.endHandler(
            v ->
                failed(
                    new HttpException(
                        response.statusCode(),
                        error.getString(0, Math.min(error.length(), MAX_ERROR_BODY)))));
        response.exceptionHandler(this::failed);
        return;
      }
      response.exceptionHandler(this::failed);
      response.handler(RecordParser.newDelimited("\n", this::line));
      response.endHandler(v -> complete());
    }

    /** One line of the event stream: a {@code data:} line carries one chunk of the answer. */
    private void line(Buffer line) {
      if (finished || line.length() < 6 || line.getByte(0) != 'd') {
        return; // blank lines, comments, other fields
      }
      String text = line.toString(StandardCharsets.UTF_8);
      if (!text.startsWith("data:")) {
        return;
      }
      String data = text.substring(5).trim();
      if (data.equals("[DONE]")) {
        return;
      }
      JsonNode chunk;
      try {
        chunk = JSON.readTree(data);
      } catch (IOException e) {
        failed(new IOException("The model sent an event that is not JSON: " + e.getMessage()));
        return;
      }
      JsonNode choice = chunk.path("choices").path(0);
      String content = choice.path("delta").path("content").asText(null);
      if (content != null && !content.isEmpty()) {
        listener.onToken(content);
      }
      String finish = choice.path("finish_reason").asText(null);
      if (finish != null) {
        finishReason = finish;
      }
      JsonNode usage = chunk.get("usage");
      if (usage != null && usage.isObject()) {
        inputTokens = usage.path("prompt_tokens").asInt(0);
        outputTokens = usage.path("completion_tokens").asInt(0);
      }
    }

    private void complete() {
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        finished = true;
      }
      span.end();
      listener.onComplete(inputTokens, outputTokens, finishReason);
    }

    void failed(Throwable error) {
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        finished = true;
      }
      span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
      span.end();
      listener.onError(error);
    }
  }
}
