package dev.aicoder.fakellm;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client speaking either subprotocol; frames land in a queue polled with a
 * timeout.
 */
public final class WsClient implements AutoCloseable {

  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final boolean binary;
  private volatile boolean reading = true;
  private volatile String closeReason;
  private final WebSocket socket;

  private WsClient(URI uri, String subprotocol) {
    this.binary = FrameCodec.MSGPACK.equals(subprotocol);
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .subprotocols(subprotocol)
            .buildAsync(uri, new Listener())
            .orTimeout(15, TimeUnit.SECONDS)
            .join();
  }

  /** Connects to {@code /ws/chat} with an access token (see {@link TestTokens}), or none. */
  public static WsClient connect(URI base, String token, String subprotocol) {
    String query = token == null ? "" : "?access_token=" + token;
    URI ws = URI.create(base.toString().replaceFirst("^http", "ws")).resolve("/ws/chat" + query);
    return new WsClient(ws, subprotocol);
  }

  public void send(Frame frame) {
    if (binary) {
      socket.sendBinary(ByteBuffer.wrap(FrameCodec.toMsgpack(frame)), true).join();
    } else {
      socket.sendText(FrameCodec.toJson(frame), true).join();
    }
  }

  /** Stops taking frames from the socket, like a browser tab that hangs. */
  public void stopReading() {
    reading = false;
  }

  public void sendText(String text) {
    socket.sendText(text, true).join();
  }

  /** Sends raw bytes as one binary frame, whatever the subprotocol (for malformed frames). */
  public void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  /** The next frame, or an AssertionError after the timeout. */
  public Frame next() throws InterruptedException {
    Frame frame = frames.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within 10 s");
    }
    return frame;
  }

  /** The next frame, or null once the server closed the connection and every frame was read. */
  public Frame nextOrClose() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Frame frame = frames.poll(50, TimeUnit.MILLISECONDS);
      if (frame != null) {
        return frame;
      }
      if (closeCode.isDone() && frames.isEmpty()) {
        return null;
      }
    }
    throw new AssertionError("no frame and no close within 10 s");
  }

  /** The next frame of the given type, skipping others. */
  public <T extends Frame> T next(Class<T> type) throws InterruptedException {
    while (true) {
      Frame frame = next();
      if (type.isInstance(frame)) {
        return type.cast(frame);
      }
    }
  }

  public int awaitClose(Duration timeout) throws Exception {
    return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The reason of the server's close frame, once {@link #awaitClose} returned. */
  public String closeReason() {
    return closeReason;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(1000, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer bytes = ByteBuffer.allocate(0);

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        add(() -> FrameCodec.fromJson(text.toString()));
        text.setLength(0);
      }
      if (reading) {
        ws.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ByteBuffer joined = ByteBuffer.allocate(bytes.remaining() + data.remaining());
      joined.put(bytes).put(data).flip();
      bytes = joined;
      if (last) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        add(() -> FrameCodec.fromMsgpack(b));
        bytes = ByteBuffer.allocate(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeReason = reason;
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.completeExceptionally(error);
    }

    private void add(Decoder decoder) {
      try {
        frames.add(decoder.decode());
      } catch (Exception e) {
        throw new AssertionError("the server sent an unreadable frame", e);
      }
    }
  }

  private interface Decoder {
    Frame decode() throws Exception;
  }
}
