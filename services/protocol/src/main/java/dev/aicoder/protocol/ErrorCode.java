package dev.aicoder.protocol;

/** The stable {@code code} values of {@code error} frames; clients switch on them. */
public final class ErrorCode {

  public static final String MALFORMED_FRAME = "malformed_frame";
  public static final String UNKNOWN_TYPE = "unknown_type";
  public static final String INVALID_FRAME = "invalid_frame";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String NOT_FOUND = "not_found";
  public static final String FORBIDDEN = "forbidden";
  public static final String MODEL_NOT_CONFIGURED = "model_not_configured";
  public static final String MODEL_ERROR = "model_error";
  public static final String MODEL_TIMEOUT = "model_timeout";
  public static final String WORKER_FAILED = "worker_failed";
  public static final String TOO_LONG = "too_long";
  public static final String INTERNAL = "internal";

  private ErrorCode() {}
}
