package dev.aicoder.common;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the OpenTelemetry SDK off when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is unset, so a service
 * with nowhere to send traces stays quiet instead of logging failed exports to localhost:4317, and
 * on when it is set. Its ordinal is below application.properties, so an explicit setting always
 * wins.
 *
 * <p>It answers both ways: Quarkus records what this source said while the service was built (no
 * endpoint there, so "disabled") as the default of the packaged service, and a source that then
 * said nothing would leave that build-time "disabled" in force wherever the service runs.
 */
public class TracingSwitch implements ConfigSource {

  private static final String KEY = "quarkus.otel.sdk.disabled";

  private final Map<String, String> values;

  public TracingSwitch() {
    this(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"));
  }

  TracingSwitch(String endpoint) {
    values = Map.of(KEY, Boolean.toString(endpoint == null || endpoint.isBlank()));
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return values.get(propertyName);
  }

  @Override
  public String getName() {
    return "aicoder-tracing-switch";
  }

  @Override
  public int getOrdinal() {
    return 150;
  }
}
