package dev.aicoder.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static final String CONV = UUID.randomUUID().toString();
  private static final String TURN = UUID.randomUUID().toString();

  @Test
  void everyFrameRoundTripsThroughBothEncodings() throws FrameException {
    List<Frame> frames =
        List.of(
            new Frame.Join(CONV),
            new Frame.Prompt(CONV, "m1", "hi", List.of(new Frame.ContextRef("a/b.java", "w1"))),
            new Frame.Resume(TURN, 7),
            new Frame.Cancel(TURN),
            new Frame.Ping(42),
            new Frame.Pong(42),
            new Frame.Accepted("m1", TURN, CONV, true),
            new Frame.Delta(TURN, 1, "héllo ✓"),
            new Frame.Done(TURN, 2, new Frame.Usage(10, 20)),
            new Frame.Error(TURN, 3, ErrorCode.MODEL_ERROR, "boom"),
            Frame.Error.frame(ErrorCode.RATE_LIMITED, "slow down"),
            new Frame.Cancelled(TURN, 4),
            new Frame.Restart(TURN, 5));
    for (Frame frame : frames) {
      assertThat(FrameCodec.fromJson(FrameCodec.toJson(frame))).isEqualTo(frame);
      assertThat(FrameCodec.fromMsgpack(FrameCodec.toMsgpack(frame))).isEqualTo(frame);
    }
  }

  @Test
  void jsonNamesTheTypeAndIgnoresUnknownFields() throws FrameException {
    assertThat(FrameCodec.toJson(new Frame.Delta(TURN, 1, "x")))
        .isEqualTo("{\"type\":\"delta\",\"turnId\":\"" + TURN + "\",\"seq\":1,\"text\":\"x\"}");
    Frame frame =
        FrameCodec.fromJson(
            "{\"type\":\"cancel\",\"turnId\":\"" + TURN + "\",\"addedInV2\":{\"a\":1}}");
    assertThat(frame).isEqualTo(new Frame.Cancel(TURN));
  }

  @Test
  void badFramesAreRefusedWithACode() {
    assertCode("not json", ErrorCode.MALFORMED_FRAME);
    assertCode("[1,2]", ErrorCode.MALFORMED_FRAME);
    assertCode("{\"turnId\":\"x\"}", ErrorCode.MALFORMED_FRAME);
    assertCode("{\"type\":\"launch_missiles\"}", ErrorCode.UNKNOWN_TYPE);
    assertCode("{\"type\":\"join\",\"conversationId\":\"../../etc\"}", ErrorCode.INVALID_FRAME);
    assertCode(
        "{\"type\":\"prompt\",\"conversationId\":\"" + CONV + "\",\"clientMsgId\":\"m\"}",
        ErrorCode.INVALID_FRAME);
    assertCode(
        "{\"type\":\"prompt\",\"conversationId\":\""
            + CONV
            + "\",\"clientMsgId\":\"m\",\"text\":\""
            + "x".repeat(Limits.MAX_PROMPT_CHARS + 1)
            + "\"}",
        ErrorCode.INVALID_FRAME);
    assertCode(
        "{\"type\":\"resume\",\"turnId\":\"" + TURN + "\",\"lastSeq\":-1}",
        ErrorCode.INVALID_FRAME);
    assertCode("{\"type\":\"resume\",\"turnId\":\"" + TURN + "\",\"lastSeq\":\"a\"}", "malformed");
  }

  @Test
  void turnEntryIdsCarryTheSeq() {
    assertThat(Keys.entryId(17)).isEqualTo("0-17");
    assertThat(Keys.seqOf("0-17")).isEqualTo(17);
  }

  private static void assertCode(String json, String code) {
    assertThatThrownBy(() -> FrameCodec.fromJson(json))
        .isInstanceOf(FrameException.class)
        .satisfies(e -> assertThat(((FrameException) e).code()).startsWith(code));
  }
}
