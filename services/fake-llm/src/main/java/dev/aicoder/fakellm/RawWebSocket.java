package dev.aicoder.fakellm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that sends each message as one frame, as browsers do (the JDK's client splits
 * a long message into 16 KB frames, so it cannot show a server that refuses a long frame), and that
 * offers permessage-deflate in its handshake, as browsers do, without speaking it: a server that
 * accepted it would send frames this client cannot read.
 */
public final class RawWebSocket implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private String extensions;

  /** Opens {@code /ws/chat} with an access token, speaking the JSON subprotocol. */
  public RawWebSocket(URI base, String token) throws IOException {
    socket = new Socket(base.getHost(), base.getPort());
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write(
        ("GET /ws/chat?access_token="
                + token
                + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: aicoder.v1.json\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = line();
    if (!status.contains(" 101 ")) {
      throw new IOException("the upgrade was refused: " + status);
    }
    for (String header = line(); !header.isEmpty(); header = line()) {
      if (header.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:")) {
        extensions = header.substring(header.indexOf(':') + 1).trim();
      }
    }
  }

  /** The extensions the server accepted in its handshake; null for none. */
  public String extensions() {
    return extensions;
  }

  /** Sends a text message as a single masked frame (mask 0, so the payload is as given). */
  public void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    out.write(0x81);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift));
      }
    }
    out.write(new byte[4]);
    out.write(payload);
    out.flush();
  }

  /** The next text message (joining its frames), skipping pings; fails on a close with its code. */
  public String nextText() throws IOException {
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    while (true) {
      int first = in.readUnsignedByte();
      int lengthByte = in.readUnsignedByte() & 0x7F;
      long length =
          lengthByte == 126
              ? in.readUnsignedShort()
              : lengthByte == 127 ? in.readLong() : lengthByte;
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int opcode = first & 0x0F;
      if (opcode == 0x8) {
        int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        throw new IOException("closed by the server with " + code);
      }
      if (opcode == 0x1 || opcode == 0x0) {
        text.write(payload);
        if ((first & 0x80) != 0) {
          return text.toString(StandardCharsets.UTF_8);
        }
      }
    }
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
