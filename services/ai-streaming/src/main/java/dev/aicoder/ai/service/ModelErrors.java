package dev.aicoder.ai.service;

import dev.langchain4j.exception.HttpException;
import java.io.IOException;

/** Reads what went wrong in a model call, whichever layer of the HTTP client reported it. */
final class ModelErrors {

  private static final int MAX_DETAIL = 300;

  private ModelErrors() {}

  /** The HTTP status of a failed call, or null when it failed before or without one. */
  static Integer status(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof HttpException http) {
        return http.statusCode();
      }
    }
    return null;
  }

  /** Rate limits, server errors and refused connections are worth another try. */
  static boolean retryable(Integer status, Throwable error) {
    if (status != null) {
      return status == 429 || status >= 500;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** A message a user can act on, with the model server's own words where it gave some. */
  static String describe(Integer status, Throwable error, boolean midStream) {
    String when = midStream ? "while streaming its answer" : "before answering";
    String detail =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "…";
    }
    if (status != null && status == 429) {
      return "The model server is rate limiting requests (HTTP 429) "
          + when
          + "; try again shortly.";
    }
    if (status != null) {
      return "The model server failed with HTTP " + status + " " + when + ": " + detail;
    }
    return "The model call failed " + when + ": " + detail;
  }
}
