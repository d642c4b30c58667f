package dev.aicoder.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Makes fuzz inputs for the frame decoders from one {@link Random}: valid frames of every type, the
 * same frames with fields swapped for values of the wrong type, and bytes flipped, cut, repeated,
 * or given length headers that announce far more than follows.
 */
final class FrameFuzz {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
  private static final String[] TYPES = {
    "join",
    "prompt",
    "resume",
    "cancel",
    "ping",
    "pong",
    "accepted",
    "delta",
    "done",
    "error",
    "cancelled",
    "restart",
    "",
    "JOIN",
    "launch"
  };
  private static final String[] FIELDS = {
    "type",
    "conversationId",
    "clientMsgId",
    "text",
    "context",
    "path",
    "workspaceId",
    "turnId",
    "lastSeq",
    "seq",
    "ts",
    "usage",
    "code",
    "message",
    "queued"
  };

  /** MessagePack headers whose length or count is read from the following bytes. */
  private static final int[] LENGTH_HEADERS = {
    0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf
  };

  private final Random random;

  FrameFuzz(Random random) {
    this.random = random;
  }

  /** One input for the JSON decoder. */
  String json() {
    return switch (random.nextInt(7)) {
      case 0 -> toJson(validTree());
      case 1, 2 -> toJson(mutatedTree());
      case 3 -> new String(mutate(toJson(mutatedTree()).getBytes(StandardCharsets.UTF_8)));
      case 4 -> tokenSoup();
      case 5 -> "[".repeat(1 + random.nextInt(100_000));
      default -> new String(randomBytes(), StandardCharsets.UTF_8);
    };
  }

  /** One input for the MessagePack decoder. */
  byte[] msgpack() {
    return switch (random.nextInt(7)) {
      case 0 -> toMsgpack(validTree());
      case 1 -> toMsgpack(mutatedTree());
      case 2, 3 -> mutate(toMsgpack(mutatedTree()));
      case 4 -> withLengthBomb(toMsgpack(validTree()));
      case 5 -> deepMsgpack(1 + random.nextInt(100_000));
      default -> randomBytes();
    };
  }

  /** A valid frame of a random type, as a tree. */
  JsonNode validTree() {
    Frame frame =
        switch (random.nextInt(13)) {
          case 0 -> new Frame.Join(uuid());
          case 1 -> new Frame.Prompt(uuid(), word(), text(), context());
          case 2 -> new Frame.Resume(uuid(), random.nextInt(1000));
          case 3 -> new Frame.Cancel(uuid());
          case 4 -> new Frame.Ping(random.nextLong());
          case 5 -> new Frame.Pong(random.nextLong());
          case 6 -> new Frame.Accepted(word(), uuid(), uuid(), random.nextBoolean());
          case 7 -> new Frame.Delta(uuid(), random.nextInt(1000), text());
          case 8 -> new Frame.Done(uuid(), 1, new Frame.Usage(random.nextInt(), random.nextInt()));
          case 9 -> new Frame.Error(uuid(), random.nextInt(9), word(), text());
          case 10 -> new Frame.Cancelled(uuid(), 2);
          case 11 -> new Frame.Restart(uuid(), 3);
          default -> Frame.Error.frame(word(), text());
        };
    return FrameCodec.json().valueToTree(frame);
  }

  /** A valid frame with one to three of its values (nested ones too) replaced or removed. */
  JsonNode mutatedTree() {
    JsonNode tree = validTree();
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      ObjectNode target = randomObject(tree);
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      String name =
          names.isEmpty() || random.nextInt(4) == 0
              ? FIELDS[random.nextInt(FIELDS.length)]
              : names.get(random.nextInt(names.size()));
      if (random.nextInt(6) == 0) {
        target.remove(name);
      } else {
        target.set(name, randomValue(0));
      }
    }
    return tree;
  }

  private ObjectNode randomObject(JsonNode tree) {
    List<ObjectNode> objects = new ArrayList<>();
    collectObjects(tree, objects);
    return objects.get(random.nextInt(objects.size()));
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> into) {
    if (node instanceof ObjectNode object) {
      into.add(object);
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      collectObjects(it.next(), into);
    }
  }

  /** A value of any JSON type: the wrong type for most fields. */
  private JsonNode randomValue(int depth) {
    int kind = random.nextInt(depth > 3 ? 9 : 13);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(random.nextInt(3) - 1);
      case 4 -> // above a long, still within MessagePack's uint 64
          NODES.numberNode(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.valueOf(kind)));
      case 5 -> NODES.numberNode(random.nextDouble() * 1e300);
      case 6 -> NODES.textNode(random.nextBoolean() ? uuid() : word());
      case 7 -> NODES.textNode(TYPES[random.nextInt(TYPES.length)]);
      case 8 -> NODES.textNode(text());
      case 9 -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(depth + 1));
        }
        yield array;
      }
      case 10 -> NODES.arrayNode().add(NODES.nullNode());
      case 11 -> {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          object.set(FIELDS[random.nextInt(FIELDS.length)], randomValue(depth + 1));
        }
        yield object;
      }
      default -> deepArray(1 + random.nextInt(900)); // the generator refuses 1000
    };
  }

  private static JsonNode deepArray(int depth) {
    ArrayNode root = NODES.arrayNode();
    ArrayNode current = root;
    for (int i = 1; i < depth; i++) {
      ArrayNode next = NODES.arrayNode();
      current.add(next);
      current = next;
    }
    return root;
  }

  /** Bytes flipped, inserted, removed, repeated, or the input cut short. */
  byte[] mutate(byte[] input) {
    byte[] bytes = input;
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      if (bytes.length == 0) {
        return randomBytes();
      }
      int at = random.nextInt(bytes.length);
      bytes =
          switch (random.nextInt(5)) {
            case 0 -> {
              byte[] copy = bytes.clone();
              copy[at] ^= (byte) (1 << random.nextInt(8));
              yield copy;
            }
            case 1 -> Arrays.copyOf(bytes, at);
            case 2 -> splice(bytes, at, at + random.nextInt(bytes.length - at + 1), new byte[0]);
            case 3 -> splice(bytes, at, at, Arrays.copyOfRange(bytes, at, bytes.length));
            default -> {
              byte[] copy = bytes.clone();
              copy[at] = (byte) random.nextInt(256);
              yield copy;
            }
          };
    }
    return bytes;
  }

  /** A MessagePack header announcing up to 4 GB (or 4 G elements) put somewhere in the input. */
  byte[] withLengthBomb(byte[] input) {
    int header = LENGTH_HEADERS[random.nextInt(LENGTH_HEADERS.length)];
    byte[] length = new byte[4];
    switch (random.nextInt(3)) {
      case 0 -> Arrays.fill(length, (byte) 0xff);
      case 1 -> length = new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
      default -> random.nextBytes(length);
    }
    byte[] bomb = new byte[5];
    bomb[0] = (byte) header;
    System.arraycopy(length, 0, bomb, 1, 4);
    int at = random.nextInt(input.length + 1);
    return random.nextBoolean()
        ? splice(input, at, at, bomb)
        : splice(input, at, Math.min(input.length, at + 5), bomb);
  }

  /** Arrays of one element nested {@code depth} deep, ending in nil. */
  private static byte[] deepMsgpack(int depth) {
    byte[] bytes = new byte[depth + 1];
    Arrays.fill(bytes, (byte) 0x91);
    bytes[depth] = (byte) 0xc0;
    return bytes;
  }

  private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
    byte[] out = new byte[bytes.length - (to - from) + insert.length];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
    return out;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[random.nextInt(random.nextInt(8) == 0 ? 2048 : 48)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** JSON-like text from JSON's own pieces, mostly invalid. */
  private String tokenSoup() {
    String[] pieces = {
      "{",
      "}",
      "[",
      "]",
      ":",
      ",",
      "\"",
      "\"type\"",
      "\"prompt\"",
      "\"context\"",
      "null",
      "true",
      "1e999",
      "-0",
      "9223372036854775808",
      "\"\\u0000\"",
      "\"\\ud800\"",
      " ",
      "\"x\""
    };
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(40); i > 0; i--) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }

  private List<Frame.ContextRef> context() {
    if (random.nextBoolean()) {
      return null;
    }
    List<Frame.ContextRef> refs = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      refs.add(new Frame.ContextRef("src/" + word() + ".java", "ws-" + random.nextInt(100)));
    }
    return refs;
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String word() {
    return Integer.toString(random.nextInt(Integer.MAX_VALUE), 36);
  }

  private String text() {
    return switch (random.nextInt(4)) {
      case 0 -> "";
      case 1 -> "héllo ✓ \uD83D\uDE00 \n\t\"";
      default -> word() + " " + word();
    };
  }

  static String toJson(JsonNode tree) {
    try {
      return FrameCodec.json().writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] toMsgpack(JsonNode tree) {
    try {
      return MSGPACK.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
