package dev.aicoder.protocol;

/**
 * Walks one MessagePack value before a parser sees it, so that a header announcing more bytes or
 * elements than the frame holds (a 5-byte bin32 "of 2 GB") is refused instead of allocated, and so
 * that nesting stays shallow. Reads only headers; allocates nothing in proportion to the input.
 */
final class MsgpackCheck {

  /** Frames nest three deep (prompt, context list, context entry); this leaves room to grow. */
  static final int MAX_DEPTH = 32;

  private MsgpackCheck() {}

  /** Refuses {@code bytes} unless the first value in them is complete and within the bounds. */
  static void check(byte[] bytes) throws FrameException {
    // left[d]: values still to read at depth d. The whole input is one value at depth 0.
    long[] left = new long[MAX_DEPTH + 1];
    left[0] = 1;
    int depth = 0;
    int pos = 0;
    while (depth >= 0) {
      if (left[depth] == 0) {
        depth--;
        continue;
      }
      left[depth]--;
      if (pos >= bytes.length) {
        throw malformed("the frame ends in the middle of a value");
      }
      int header = bytes[pos++] & 0xff;
      long payload;
      long children = 0;
      if (header <= 0x7f || header >= 0xe0) {
        payload = 0; // positive and negative fixint
      } else if (header <= 0x8f) {
        children = 2L * (header & 0x0f); // fixmap: keys and values
        payload = 0;
      } else if (header <= 0x9f) {
        children = header & 0x0f; // fixarray
        payload = 0;
      } else if (header <= 0xbf) {
        payload = header & 0x1f; // fixstr
      } else {
        int size = lengthBytes(header);
        if (size > bytes.length - pos) {
          throw malformed("the frame ends in the middle of a value");
        }
        long n = unsigned(bytes, pos, size);
        pos += size;
        switch (header) {
          case 0xc0, 0xc2, 0xc3 -> payload = 0; // nil, false, true
          case 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb -> payload = n; // bin, str
          case 0xc7, 0xc8, 0xc9 -> payload = n + 1; // ext: type byte, data
          case 0xca, 0xce, 0xd2 -> payload = 4;
          case 0xcb, 0xcf, 0xd3 -> payload = 8;
          case 0xcc, 0xd0 -> payload = 1;
          case 0xcd, 0xd1 -> payload = 2;
          case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 -> payload = 1 + (1L << (header - 0xd4)); // fixext
          case 0xdc, 0xdd -> {
            children = n;
            payload = 0;
          }
          case 0xde, 0xdf -> {
            children = 2 * n;
            payload = 0;
          }
          default -> throw malformed("0xc1 is not a MessagePack type");
        }
      }
      if (payload > bytes.length - pos) {
        throw malformed(
            "a value announces " + payload + " bytes but " + (bytes.length - pos) + " follow");
      }
      pos += (int) payload;
      if (children > 0) {
        // Every element takes at least one byte, so more than the rest of the frame is a lie.
        if (children > bytes.length - pos) {
          throw malformed(
              "a value announces "
                  + children
                  + " elements but "
                  + (bytes.length - pos)
                  + " bytes follow");
        }
        if (depth == MAX_DEPTH) {
          throw malformed("values nest deeper than " + MAX_DEPTH);
        }
        left[++depth] = children;
      }
    }
  }

  /** How many bytes after the header hold its length (for types that have one). */
  private static int lengthBytes(int header) {
    return switch (header) {
      case 0xc4, 0xc7, 0xd9 -> 1;
      case 0xc5, 0xc8, 0xda, 0xdc, 0xde -> 2;
      case 0xc6, 0xc9, 0xdb, 0xdd, 0xdf -> 4;
      default -> 0;
    };
  }

  private static long unsigned(byte[] bytes, int pos, int size) {
    long n = 0;
    for (int i = 0; i < size; i++) {
      n = (n << 8) | (bytes[pos + i] & 0xff);
    }
    return n;
  }

  private static FrameException malformed(String detail) {
    return new FrameException(ErrorCode.MALFORMED_FRAME, "cannot read the frame: " + detail);
  }
}
