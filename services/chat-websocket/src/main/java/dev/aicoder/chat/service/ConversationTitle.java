package dev.aicoder.chat.service;

/**
 * The title a conversation gets from its first prompt: the prompt's first non-blank line, on one
 * line, without control or formatting characters (no bidi override can reorder what the list
 * shows), cut at a word to at most {@link #MAX} characters. It stays a valid display name for the
 * gateway's rename (1-100 characters, no control characters).
 */
public final class ConversationTitle {

  /** Longest title, in characters, before the ellipsis. */
  public static final int MAX = 60;

  /** What a prompt with nothing printable on its lines is titled. */
  static final String UNTITLED = "New conversation";

  private ConversationTitle() {}

  public static String fromPrompt(String prompt) {
    for (String line : (prompt == null ? "" : prompt).split("\\R")) {
      String clean = printable(line);
      if (!clean.isEmpty()) {
        return shortened(clean);
      }
    }
    return UNTITLED;
  }

  /** The line with control and format characters dropped and runs of spaces made one. */
  private static String printable(String line) {
    StringBuilder out = new StringBuilder();
    line.codePoints()
        .forEach(
            c -> {
              if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                if (!out.isEmpty() && out.charAt(out.length() - 1) != ' ') {
                  out.append(' ');
                }
              } else if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
                out.appendCodePoint(c);
              }
            });
    return out.toString().strip();
  }

  private static String shortened(String title) {
    if (title.codePointCount(0, title.length()) <= MAX) {
      return title;
    }
    String cut = title.substring(0, title.offsetByCodePoints(0, MAX));
    int space = cut.lastIndexOf(' ');
    // At a word when one ends in the second half; a long word is cut where it must be.
    if (space > MAX / 2) {
      cut = cut.substring(0, space);
    }
    return cut.strip() + "\u2026";
  }
}
