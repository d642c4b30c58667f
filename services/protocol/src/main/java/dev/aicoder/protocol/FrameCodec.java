package dev.aicoder.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Encodes and decodes frames for both subprotocols: {@value #JSON} (text frames) and {@value
 * #MSGPACK} (binary frames holding the same objects in MessagePack). Thread-safe.
 */
public final class FrameCodec {

  public static final String JSON = "aicoder.v1.json";
  public static final String MSGPACK = "aicoder.v1.msgpack";

  /** The subprotocols the server supports, in its order of preference. */
  public static final List<String> SUBPROTOCOLS = List.of(JSON, MSGPACK);

  private static final ObjectMapper JSON_MAPPER = configure(new ObjectMapper());
  private static final ObjectMapper MSGPACK_MAPPER =
      configure(new ObjectMapper(new MessagePackFactory()));

  private FrameCodec() {}

  /** The JSON mapper frames and stream entries use. */
  public static ObjectMapper json() {
    return JSON_MAPPER;
  }

  public static String toJson(Object value) {
    try {
      return JSON_MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] toMsgpack(Frame frame) {
    try {
      return MSGPACK_MAPPER.writeValueAsBytes(frame);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Frame fromJson(String text) throws FrameException {
    try {
      return check(JSON_MAPPER, JSON_MAPPER.readTree(text));
    } catch (IOException e) {
      throw translate(e);
    }
  }

  public static Frame fromMsgpack(byte[] bytes) throws FrameException {
    try {
      return check(MSGPACK_MAPPER, MSGPACK_MAPPER.readTree(bytes));
    } catch (IOException e) {
      throw translate(e);
    }
  }

  private static Frame check(ObjectMapper mapper, JsonNode tree)
      throws FrameException, IOException {
    if (tree == null || !tree.isObject()) {
      throw new FrameException(ErrorCode.MALFORMED_FRAME, "a frame must be an object");
    }
    Frame frame = mapper.treeToValue(tree, Frame.class);
    String problem = frame.problem().orElse(null);
    if (problem != null) {
      throw new FrameException(ErrorCode.INVALID_FRAME, problem);
    }
    return frame;
  }

  private static FrameException translate(IOException e) {
    if (e instanceof InvalidTypeIdException typeError) {
      String type = typeError.getTypeId();
      return type == null
          ? new FrameException(ErrorCode.MALFORMED_FRAME, "a frame needs a \"type\"")
          : new FrameException(ErrorCode.UNKNOWN_TYPE, "unknown frame type \"" + type + "\"");
    }
    String detail =
        e instanceof JsonProcessingException j
            ? j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    return new FrameException(ErrorCode.MALFORMED_FRAME, "cannot read the frame: " + detail);
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
        .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);
  }
}
