package dev.aicoder.fakellm;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the fake model answers one request.
 *
 * @param failStatus HTTP status to fail with (0: none)
 * @param failTimes how many attempts of the same prompt fail before one succeeds
 * @param disconnectAfter drop the connection after this many tokens (-1: never)
 * @param stallAfter stop sending after this many tokens, keeping the connection (-1: never)
 * @param code wrap the answer in a fenced code block ("#code"), for tests of code actions
 * @param ignoreMaxTokens stream all the tokens even past the request's {@code max_tokens}
 *     ("#ignoremax"), as a server that does not honour it would
 */
public record Script(
    int firstTokenMs,
    int gapMs,
    int tokens,
    int failStatus,
    int failTimes,
    int disconnectAfter,
    int stallAfter,
    boolean hang,
    boolean code,
    boolean ignoreMaxTokens) {

  private static final Pattern DIRECTIVE = Pattern.compile("#(\\w+)(?:=(\\d+))?");

  /** A well-behaved model. */
  public Script(int firstTokenMs, int gapMs, int tokens) {
    this(firstTokenMs, gapMs, tokens, 0, 0, -1, -1, false, false, false);
  }

  /** This script with the directives found in {@code prompt} applied. */
  public Script with(String prompt) {
    Map<String, Integer> d = new HashMap<>();
    boolean hangs = hang;
    boolean fenced = code;
    boolean ignoresMax = ignoreMaxTokens;
    Matcher m = DIRECTIVE.matcher(prompt);
    while (m.find()) {
      if ("hang".equals(m.group(1))) {
        hangs = true;
      } else if ("code".equals(m.group(1))) {
        fenced = true;
      } else if ("ignoremax".equals(m.group(1))) {
        ignoresMax = true;
      } else if (m.group(2) != null) {
        d.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }
    // "#fail=N" alone fails every attempt; "#failtimes=K" limits it to the first K.
    int defaultFailTimes = d.containsKey("fail") ? Integer.MAX_VALUE : failTimes;
    return new Script(
        d.getOrDefault("first", firstTokenMs),
        d.getOrDefault("gap", gapMs),
        d.getOrDefault("tokens", tokens),
        d.getOrDefault("fail", failStatus),
        d.getOrDefault("failtimes", defaultFailTimes),
        d.getOrDefault("disconnect", disconnectAfter),
        d.getOrDefault("stall", stallAfter),
        hangs,
        fenced,
        ignoresMax);
  }
}
