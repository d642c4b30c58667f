package dev.aicoder.common;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of exported spans: the chat socket's bearer token rides in its URL's {@code
 * access_token} query parameter (DESIGN section 2), which the HTTP instrumentation records as
 * {@code url.query} (and older conventions as {@code http.url}/{@code http.target}) on the
 * upgrade's span. Each such value has the parameter's value replaced as the span starts.
 */
@Singleton
@Unremovable // only the OpenTelemetry SDK looks it up
public class SecretRedaction implements SpanProcessor {

  /** Query parameters whose values are credentials. */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("((?:^|[?&;])(?:access_token|token|api_key|apikey|password)=)[^&;#]*");

  private static final List<AttributeKey<String>> URL_ATTRIBUTES =
      List.of(
          AttributeKey.stringKey("url.query"),
          AttributeKey.stringKey("url.full"),
          AttributeKey.stringKey("http.url"),
          AttributeKey.stringKey("http.target"));

  /** The value with every credential parameter's value replaced. */
  static String redact(String value) {
    return SECRET_PARAMETER.matcher(value).replaceAll("$1REDACTED");
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : URL_ATTRIBUTES) {
      String value = span.getAttribute(key);
      if (value != null) {
        String redacted = redact(value);
        if (!redacted.equals(value)) {
          span.setAttribute(key, redacted);
        }
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
