package dev.aicoder.common;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The services' sampler (Quarkus takes a Sampler bean): Quarkus's default, parent-based and always
 * on, except that a Redis command outside any trace is dropped. The stream readers (turn tailer,
 * announcements, request consumer) and readiness pings run Redis commands in a loop; traced, each
 * would be a one-span trace of its own, thousands a second under load, burying the prompts' traces.
 * A Redis command inside a prompt's trace is kept.
 */
@Singleton
public class QuietRedisPolls implements Sampler {

  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");

  private final Sampler delegate = Sampler.parentBased(Sampler.alwaysOn());

  @Override
  public SamplingResult shouldSample(
      Context parent,
      String traceId,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links) {
    boolean root = !Span.fromContext(parent).getSpanContext().isValid();
    boolean redis =
        "redis".equals(attributes.get(DB_SYSTEM)) || "redis".equals(attributes.get(DB_SYSTEM_NAME));
    if (root && redis && kind == SpanKind.CLIENT) {
      return SamplingResult.drop();
    }
    return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return "QuietRedisPolls{" + delegate.getDescription() + "}";
  }
}
