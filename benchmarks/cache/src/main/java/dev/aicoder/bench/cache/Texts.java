package dev.aicoder.bench.cache;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Text like a cached assistant answer (prose and a little code), from a fixed seed. */
final class Texts {

  private static final String[] WORDS = {
    "the",
    "cache",
    "returns",
    "a",
    "value",
    "when",
    "request",
    "is",
    "repeated",
    "and",
    "model",
    "answer",
    "function",
    "class",
    "method",
    "file",
    "workspace",
    "user",
    "token",
    "stream",
    "error",
    "should",
    "be",
    "handled",
    "by",
    "caller",
    "which",
    "retries",
    "after",
    "timeout",
    "this",
    "code",
    "reads",
    "configuration",
    "from",
    "environment",
    "then",
    "starts",
    "server",
    "on",
    "port",
    "with",
    "its",
    "default",
    "settings",
    "you",
    "can",
    "change",
    "them",
    "in",
    "application",
    "properties",
    "note",
    "that",
    "each",
    "entry",
    "has",
    "own",
    "expiry",
    "time",
    "for",
    "example",
    "list",
    "of",
    "items",
    "sorted",
    "name",
    "size",
    "returns",
    "null",
    "if",
    "missing",
    "test",
    "checks",
    "result",
    "matches",
    "expected",
    "output",
    "before",
    "commit"
  };

  private static final String CODE =
      "\n```java\npublic Optional<Answer> find(String key) {\n"
          + "  return Optional.ofNullable(cache.getIfPresent(key));\n}\n```\n";

  private Texts() {}

  /** Exactly {@code bytes} bytes of ASCII text; the same seed gives the same text. */
  static byte[] text(int bytes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(bytes + 64);
    while (out.length() < bytes) {
      int words = 6 + random.nextInt(14);
      for (int i = 0; i < words; i++) {
        String w = WORDS[random.nextInt(WORDS.length)];
        out.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
        out.append(i == words - 1 ? ". " : " ");
      }
      if (random.nextInt(8) == 0) {
        out.append(random.nextInt(3) == 0 ? CODE : "\n\n");
      }
    }
    out.setLength(bytes);
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
