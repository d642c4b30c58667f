package dev.aicoder.protocol;

/** A frame a client sent that cannot be used; {@code code} is an {@link ErrorCode}. */
public class FrameException extends Exception {

  private final String code;

  public FrameException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
