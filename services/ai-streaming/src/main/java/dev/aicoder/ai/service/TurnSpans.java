package dev.aicoder.ai.service;

import dev.aicoder.protocol.TurnRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Starts each turn's span as a child of the prompt's span, whose context rode in the request. */
@ApplicationScoped
public class TurnSpans {

  private final Tracer tracer;

  TurnSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * The turn's span, a child of the prompt's span in chat-websocket when the request carries it.
   */
  Span start(TurnRequest request) {
    Context parent =
        request.traceparent() == null
            ? Context.root()
            : W3CTraceContextPropagator.getInstance()
                .extract(
                    Context.root(),
                    Map.of("traceparent", request.traceparent()),
                    MapGetter.INSTANCE);
    return tracer
        .spanBuilder("ai turn")
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("aicoder.turn.id", request.turnId())
        .startSpan();
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
