package dev.aicoder.fakellm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the fake model answers one request.
 *
 * @param failStatus HTTP status to fail with (0: none)
 * @param failTimes how many attempts of the same prompt fail before one succeeds
 * @param disconnectAfter drop the connection after this many tokens (-1: never)
 * @param stallAfter stop sending after this many tokens, keeping the connection (-1: never)
 */
public record Script(
    int firstTokenMs,
    int gapMs,
    int tokens,
    int failStatus,
    int failTimes,
    int disconnectAfter,
    int stallAfter,
    boolean hang) {

  private static final Pattern DIRECTIVE = Pattern.compile("#(\\w+)(?:=(\\d+))?");

  /** A well-behaved model. */
  public Script(int firstTokenMs, int gapMs, int tokens) {
    this(firstTokenMs, gapMs, tokens, 0, 0, -1, -1, false);
  }

  /** This script with the directives found in {@code prompt} applied. */
  public Script with(String prompt) {
    Script s = this;
    Matcher m = DIRECTIVE.matcher(prompt);
    while (m.find()) {
      int n = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      s =
          switch (m.group(1)) {
            case "tokens" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    n,
                    s.failStatus,
                    s.failTimes,
                    s.disconnectAfter,
                    s.stallAfter,
                    s.hang);
            case "first" ->
                new Script(
                    n,
                    s.gapMs,
                    s.tokens,
                    s.failStatus,
                    s.failTimes,
                    s.disconnectAfter,
                    s.stallAfter,
                    s.hang);
            case "gap" ->
                new Script(
                    s.firstTokenMs,
                    n,
                    s.tokens,
                    s.failStatus,
                    s.failTimes,
                    s.disconnectAfter,
                    s.stallAfter,
                    s.hang);
            case "fail" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    s.tokens,
                    n,
                    s.failTimes > 0 ? s.failTimes : Integer.MAX_VALUE,
                    s.disconnectAfter,
                    s.stallAfter,
                    s.hang);
            case "failtimes" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    s.tokens,
                    s.failStatus,
                    n,
                    s.disconnectAfter,
                    s.stallAfter,
                    s.hang);
            case "disconnect" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    s.tokens,
                    s.failStatus,
                    s.failTimes,
                    n,
                    s.stallAfter,
                    s.hang);
            case "stall" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    s.tokens,
                    s.failStatus,
                    s.failTimes,
                    s.disconnectAfter,
                    n,
                    s.hang);
            case "hang" ->
                new Script(
                    s.firstTokenMs,
                    s.gapMs,
                    s.tokens,
                    s.failStatus,
                    s.failTimes,
                    s.disconnectAfter,
                    s.stallAfter,
                    true);
            default -> s;
          };
    }
    return s;
  }
}
