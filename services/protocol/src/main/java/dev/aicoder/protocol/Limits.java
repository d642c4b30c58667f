package dev.aicoder.protocol;

/** Size limits both sides of the wire enforce. */
public final class Limits {

  /** The largest frame a client may send; larger ones close the connection with 1009. */
  public static final int MAX_FRAME_BYTES = 256 * 1024;

  /** The longest prompt text, in characters. */
  public static final int MAX_PROMPT_CHARS = 100_000;

  /** The most workspace files one prompt may attach. */
  public static final int MAX_CONTEXT_FILES = 20;

  /** The longest path of a context file, in characters (the gateway's bound on workspace paths). */
  public static final int MAX_PATH_CHARS = 4096;

  /** The longest client-made identifier. */
  public static final int MAX_ID_LENGTH = 128;

  private Limits() {}
}
