package dev.aicoder.auth;

/** A token that is malformed, badly signed, expired or from another issuer. */
public class InvalidTokenException extends Exception {

  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
