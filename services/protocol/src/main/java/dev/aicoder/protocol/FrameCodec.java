package dev.aicoder.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.core.MessagePackException;
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

  /**
   * Decodes a binary frame. Its structure is walked first ({@link MsgpackCheck}), as the parser
   * would otherwise allocate whatever length a header announces before finding the bytes missing.
   * (The frame's own size is bounded where it arrives: {@link Limits#MAX_FRAME_BYTES}.)
   */
  public static Frame fromMsgpack(byte[] bytes) throws FrameException {
    MsgpackCheck.check(bytes);
    try {
      return check(MSGPACK_MAPPER, MSGPACK_MAPPER.readTree(bytes));
    } catch (IOException e) {
      throw translate(e);
    } catch (MessagePackException e) {
      // msgpack-core reports what it cannot read (a type where another belongs) unchecked.
      throw new FrameException(
          ErrorCode.MALFORMED_FRAME, "cannot read the frame: " + e.getMessage());
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
    if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      return new FrameException(
          ErrorCode.INVALID_FRAME,
          "\"" + path(mismatch) + "\" must be " + expected(mismatch.getTargetType()));
    }
    String detail =
        e instanceof JsonProcessingException j
            ? j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    return new FrameException(ErrorCode.MALFORMED_FRAME, "cannot read the frame: " + detail);
  }

  /** Where in the frame a value is wrong: {@code context[0].path}. */
  private static String path(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    } else if (type == String.class) {
      return "a string";
    } else if (type == long.class || type == int.class) {
      return "a whole number";
    } else if (type == boolean.class) {
      return "true or false";
    } else if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
        .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);
    // A value of the wrong type is refused, not converted: 5 is not a text, "5" not a seq.
    for (CoercionInputShape shape :
        List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (CoercionInputShape shape :
        List.of(CoercionInputShape.String, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Integer).setCoercion(shape, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return mapper;
  }
}
