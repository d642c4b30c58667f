package dev.aicoder.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property of both frame decoders, over thousands of random and mutated frames per build: each
 * input gives a valid {@link Frame} or a {@link FrameException}, never another exception or error,
 * and decoding allocates memory in proportion to the input, not to lengths the input announces.
 *
 * <p>The seed changes every run (more inputs over time) and is printed with a failure; {@code
 * -Dfuzz.seed=N} replays one run.
 */
class FrameDecoderFuzzTest {

  private static final int CASES = Integer.getInteger("fuzz.cases", 3000);
  private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

  /** Parser buffers and the like, plus far less than any announced length worth refusing. */
  private static final long ALLOCATION_BASE = 16L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private interface Decode {
    Frame run() throws FrameException;
  }

  @BeforeAll
  static void warmUp() {
    // The first decodes load and cache deserializers; that is not the input's doing.
    FrameFuzz fuzz = new FrameFuzz(new Random(0));
    for (int i = 0; i < 200; i++) {
      try {
        FrameCodec.fromJson(FrameFuzz.toJson(fuzz.validTree()));
        FrameCodec.fromMsgpack(FrameFuzz.toMsgpack(fuzz.validTree()));
      } catch (FrameException e) {
        // a prompt with empty text, say: decoded all the same
      }
    }
  }

  @Test
  @Timeout(120)
  void theJsonDecoderGivesAFrameOrAFrameException() {
    FrameFuzz fuzz = new FrameFuzz(new Random(SEED));
    for (int i = 0; i < CASES; i++) {
      String text = fuzz.json();
      check(
          () -> FrameCodec.fromJson(text),
          text.getBytes(StandardCharsets.UTF_8).length,
          () -> "JSON " + abbreviate(text));
    }
  }

  @Test
  @Timeout(120)
  void theMsgpackDecoderGivesAFrameOrAFrameException() {
    FrameFuzz fuzz = new FrameFuzz(new Random(SEED + 1));
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = fuzz.msgpack();
      check(
          () -> FrameCodec.fromMsgpack(bytes),
          bytes.length,
          () -> "MessagePack " + abbreviate(HexFormat.of().formatHex(bytes)));
    }
  }

  @Test
  void theBombOfTheIssueIsRefusedWithoutAllocatingIt() {
    byte[] bomb = {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
    check(() -> FrameCodec.fromMsgpack(bomb), bomb.length, () -> "bin32 of 2 GB");
  }

  private static void check(Decode decode, int inputBytes, Supplier<String> input) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Frame frame = null;
    try {
      frame = decode.run();
      assertThat(frame).as("decoded from %s", input.get()).isNotNull();
    } catch (FrameException e) {
      assertThat(e.code()).as("code for %s", input.get()).isNotBlank();
      assertThat(e.getMessage()).as("message for %s", input.get()).isNotBlank();
    } catch (Throwable e) {
      fail("seed " + SEED + ": " + input.get() + " threw " + e, e);
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as("seed %d: bytes allocated decoding %s", SEED, input.get())
        .isLessThan(ALLOCATION_BASE + 64L * inputBytes);
    if (frame != null) {
      assertThat(frame.problem()).as("seed %d: problem of %s", SEED, frame).isEmpty();
      assertThat(nullsIn(frame))
          .as("seed %d: null values of %s from %s", SEED, frame, input.get())
          .isEmpty();
      FrameCodec.toJson(frame); // what was accepted can be sent on
    }
  }

  /**
   * Where a client frame the decoder let through holds a null the server would trip over: every
   * value of a client frame, list elements and nested records included, except an absent context or
   * traceparent (both optional).
   */
  private static List<String> nullsIn(Frame frame) {
    List<String> nulls = new ArrayList<>();
    if (frame instanceof Frame.Join
        || frame instanceof Frame.Prompt
        || frame instanceof Frame.Resume
        || frame instanceof Frame.Cancel) {
      collectNulls(frame, frame.getClass().getSimpleName(), nulls);
    }
    return nulls;
  }

  private static void collectNulls(Object value, String where, List<String> nulls) {
    if (value instanceof Record record) {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        Object field;
        try {
          field = component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        String path = where + "." + component.getName();
        if (field == null) {
          if (!path.equals("Prompt.context") && !path.equals("Prompt.traceparent")) {
            nulls.add(path);
          }
        } else {
          collectNulls(field, path, nulls);
        }
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) == null) {
          nulls.add(where + "[" + i + "]");
        } else {
          collectNulls(list.get(i), where + "[" + i + "]", nulls);
        }
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
  }
}
