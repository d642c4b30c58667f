package dev.aicoder.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aicoder.protocol.FrameCodec;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The proxy's hop of each chat prompt as a span, so a prompt's trace starts here when the browser
 * sends none. The proxy otherwise relays frames unread; a prompt frame is read, its span started
 * (continuing the frame's {@code traceparent} when a client that traces set one) and the frame
 * passed on carrying this span's {@code traceparent}, which chat-websocket continues. The span ends
 * when chat-websocket answers the prompt: {@code accepted} (its turn id becomes an attribute) or a
 * frame-level {@code error}. Nothing of the frame but its ids goes into the span.
 */
@ApplicationScoped
public class PromptSpans {

  /** Prompts of one socket awaiting their answer; more than this means answers are not coming. */
  static final int MAX_PENDING = 16;

  private static final ObjectMapper JSON = FrameCodec.json();
  private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());

  private final Tracer tracer;

  PromptSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The spans of one socket's prompts that have no answer yet, by clientMsgId, oldest first. */
  static final class Pending {
    private final Map<String, Span> spans = new LinkedHashMap<>();

    boolean isEmpty() {
      return spans.isEmpty();
    }

    /** Ends every span, the socket being gone. */
    void endAll() {
      spans.values().forEach(Span::end);
      spans.clear();
    }
  }

  /** A browser's text frame as sent on: a prompt gets its span, anything else passes unchanged. */
  String fromBrowser(String text, Pending pending) {
    if (!text.contains("\"prompt\"")) {
      return text;
    }
    try {
      JsonNode frame = JSON.readTree(text);
      return start(frame, pending) ? JSON.writeValueAsString(frame) : text;
    } catch (IOException notJson) {
      return text; // chat-websocket answers a malformed frame itself
    }
  }

  /** A browser's binary (MessagePack) frame as sent on. */
  Buffer fromBrowser(Buffer bytes, Pending pending) {
    try {
      JsonNode frame = MSGPACK.readTree(bytes.getBytes());
      return start(frame, pending) ? Buffer.buffer(MSGPACK.writeValueAsBytes(frame)) : bytes;
    } catch (IOException notMsgpack) {
      return bytes;
    }
  }

  /** Ends the span of the prompt a chat-websocket text frame answers, if it answers one. */
  void fromBackend(String text, Pending pending) {
    if (pending.isEmpty()) {
      return;
    }
    try {
      answered(JSON.readTree(text), pending);
    } catch (IOException ignored) {
      // not ours to judge
    }
  }

  /** The same for a binary frame. */
  void fromBackend(Buffer bytes, Pending pending) {
    if (pending.isEmpty()) {
      return;
    }
    try {
      answered(MSGPACK.readTree(bytes.getBytes()), pending);
    } catch (IOException ignored) {
      // not ours to judge
    }
  }

  private boolean start(JsonNode frame, Pending pending) {
    if (!(frame instanceof ObjectNode prompt) || !"prompt".equals(prompt.path("type").asText())) {
      return false;
    }
    Context parent =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), prompt, FrameGetter.INSTANCE);
    Span span =
        tracer
            .spanBuilder("chat proxy prompt")
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("url.path", "/ws/chat")
            .startSpan();
    prompt.remove(List.of("traceparent", "tracestate"));
    W3CTraceContextPropagator.getInstance()
        .inject(
            Context.root().with(span), prompt, (carrier, key, value) -> carrier.put(key, value));
    if (pending.spans.size() >= MAX_PENDING) {
      ended(pending, null, "unanswered");
    }
    Span earlier = pending.spans.put(prompt.path("clientMsgId").asText(""), span);
    if (earlier != null) {
      earlier.end(); // the same prompt again: the newer one gets the answer
    }
    return true;
  }

  private static void answered(JsonNode frame, Pending pending) {
    String type = frame.path("type").asText();
    if ("accepted".equals(type)) {
      Span span = pending.spans.remove(frame.path("clientMsgId").asText(""));
      if (span != null) {
        span.setAttribute("aicoder.turn.id", frame.path("turnId").asText());
        span.end();
      }
    } else if ("error".equals(type) && !frame.has("turnId")) {
      // chat-websocket answers one socket's frames in order, so this refuses the oldest prompt
      // (or another frame; then that prompt ends early, which only shortens its span).
      ended(pending, frame.path("code").asText(), "refused");
    }
  }

  private static void ended(Pending pending, String code, String why) {
    Iterator<Span> oldest = pending.spans.values().iterator();
    if (oldest.hasNext()) {
      Span span = oldest.next();
      oldest.remove();
      span.setStatus(StatusCode.ERROR, why);
      if (code != null) {
        span.setAttribute("aicoder.error.code", code);
      }
      span.end();
    }
  }

  /** Reads trace headers from the frame's top-level text fields. */
  private enum FrameGetter implements TextMapGetter<ObjectNode> {
    INSTANCE;

    @Override
    public Iterable<String> keys(ObjectNode carrier) {
      return carrier::fieldNames;
    }

    @Override
    public String get(ObjectNode carrier, String key) {
      JsonNode value = carrier == null ? null : carrier.get(key);
      return value != null && value.isTextual() ? value.asText() : null;
    }
  }
}
