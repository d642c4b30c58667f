package dev.aicoder.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** Issue 15: the answer cache's opt-in and its mark are optional, so old frames stay valid. */
  @Test
  void theAnswerCacheFieldsAreOptionalAndLeftOutWhenFalse() throws FrameException {
    String old =
        "{\"type\":\"prompt\",\"conversationId\":\""
            + CONV
            + "\",\"clientMsgId\":\"m\",\"text\":\"t\"}";
    assertThat(((Frame.Prompt) FrameCodec.fromJson(old)).cache()).isFalse();
    assertThat(FrameCodec.toJson(new Frame.Prompt(CONV, "m", "t", null))).doesNotContain("cache");
    Frame.Prompt optedIn = new Frame.Prompt(CONV, "m", "t", null, null, true);
    assertThat(FrameCodec.toJson(optedIn)).contains("\"cache\":true");
    assertThat(FrameCodec.fromJson(FrameCodec.toJson(optedIn))).isEqualTo(optedIn);
    assertThat(FrameCodec.fromMsgpack(FrameCodec.toMsgpack(optedIn))).isEqualTo(optedIn);

    assertThat(FrameCodec.toJson(new Frame.Done(TURN, 2, new Frame.Usage(1, 2))))
        .doesNotContain("cached");
    Frame.Done cached = new Frame.Done(TURN, 2, new Frame.Usage(1, 2, true));
    assertThat(FrameCodec.toJson(cached)).contains("\"cached\":true");
    assertThat(FrameCodec.fromJson(FrameCodec.toJson(cached))).isEqualTo(cached);

    TurnRequest request = new TurnRequest(TURN, CONV, "u", "t", null, null, 1, true);
    assertThat(TurnRequest.fromJson(request.toJson())).isEqualTo(request);
    assertThat(new TurnRequest(TURN, CONV, "u", "t", null, null, 1).toJson())
        .doesNotContain("cache");
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
    assertCode(
        "{\"type\":\"resume\",\"turnId\":\"" + TURN + "\",\"lastSeq\":\"a\"}",
        ErrorCode.INVALID_FRAME);
  }

  /** The context entries of issue 11 row 3: each refused with a message naming the entry. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[null]",
        "[{}]",
        "[{\"path\":\"a.java\"}]",
        "[{\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a.java\",\"workspaceId\":null}]",
        "[{\"path\":\"a.java\",\"workspaceId\":\"../x\"}]",
        "[{\"path\":\"a.java\",\"workspaceId\":\"WS1\"}]",
        "[{\"path\":\"/etc/passwd\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a/../../b\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a\\\\b\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a//b\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a\\u0000b\",\"workspaceId\":\"ws1\"}]",
        "[{\"path\":[\"a\"],\"workspaceId\":\"ws1\"}]",
        "[{\"path\":7,\"workspaceId\":\"ws1\"}]",
        "[{\"path\":\"a.java\",\"workspaceId\":{}}]",
        "[\"a.java\"]",
        "[[]]",
        "\"a.java\"",
        "{}"
      })
  void aPromptWithABrokenContextIsRefused(String context) {
    String json =
        "{\"type\":\"prompt\",\"conversationId\":\""
            + CONV
            + "\",\"clientMsgId\":\"m\",\"text\":\"t\",\"context\":"
            + context
            + "}";
    for (Decoder decoder : decoders()) {
      assertThatThrownBy(() -> decoder.decode(json))
          .isInstanceOf(FrameException.class)
          .satisfies(
              e -> {
                assertThat(((FrameException) e).code()).isEqualTo(ErrorCode.INVALID_FRAME);
                assertThat(e.getMessage()).contains("context");
              });
    }
  }

  @Test
  void aValidContextIsAcceptedInBothEncodings() throws FrameException {
    var context =
        List.of(
            new Frame.ContextRef("src/Main.java", "0b1c2d3e-4f5a"),
            new Frame.ContextRef("README.md", UUID.randomUUID().toString()));
    Frame prompt = new Frame.Prompt(CONV, "m", "t", context);
    assertThat(FrameCodec.fromJson(FrameCodec.toJson(prompt))).isEqualTo(prompt);
    assertThat(FrameCodec.fromMsgpack(FrameCodec.toMsgpack(prompt))).isEqualTo(prompt);
  }

  /** A value of the wrong type is refused by name rather than converted. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"join\",\"conversationId\":123}",
        "{\"type\":\"prompt\",\"conversationId\":\"%s\",\"clientMsgId\":1,\"text\":\"t\"}",
        "{\"type\":\"prompt\",\"conversationId\":\"%s\",\"clientMsgId\":\"m\",\"text\":true}",
        "{\"type\":\"prompt\",\"conversationId\":\"%s\",\"clientMsgId\":\"m\",\"text\":{}}",
        "{\"type\":\"resume\",\"turnId\":\"%s\",\"lastSeq\":1.5}",
        "{\"type\":\"resume\",\"turnId\":\"%s\",\"lastSeq\":\"5\"}",
        "{\"type\":\"ping\",\"ts\":[1]}"
      })
  void aValueOfTheWrongTypeIsRefused(String template) {
    String json = template.replace("%s", CONV);
    for (Decoder decoder : decoders()) {
      assertThatThrownBy(() -> decoder.decode(json))
          .isInstanceOf(FrameException.class)
          .satisfies(e -> assertThat(((FrameException) e).code()).isEqualTo("invalid_frame"));
    }
  }

  @Test
  void anUpperCaseIdIsNotASecondSpellingOfTheSameConversation() {
    assertCode(
        "{\"type\":\"join\",\"conversationId\":\"" + CONV.toUpperCase() + "\"}",
        ErrorCode.INVALID_FRAME);
  }

  private interface Decoder {
    Frame decode(String json) throws FrameException;
  }

  /** The JSON decoder, and the MessagePack decoder given the same object. */
  private static List<Decoder> decoders() {
    return List.of(
        FrameCodec::fromJson,
        json -> {
          try {
            var tree = FrameCodec.json().readTree(json);
            return FrameCodec.fromMsgpack(
                new com.fasterxml.jackson.databind.ObjectMapper(
                        new org.msgpack.jackson.dataformat.MessagePackFactory())
                    .writeValueAsBytes(tree));
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
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
