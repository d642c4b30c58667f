package dev.aicoder.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem document. {@code type} is a stable identifier clients can switch on; {@code
 * detail} says what the caller can do about it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record Problem(String type, String title, int status, String detail, String instance) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** A problem whose type is {@code /problems/<slug>}. */
  public static Problem of(String slug, String title, int status, String detail) {
    return new Problem("/problems/" + slug, title, status, detail, null);
  }
}
