package dev.aicoder.chat;

import dev.aicoder.auth.TokenClaims;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser connection: who it is, which encoding it speaks, which conversations it watches, and
 * how far it got in each turn, so no event reaches it twice or out of order. Frames are written
 * straight to the Vert.x socket from whichever thread has them (the turn tailer, a worker).
 */
public final class Session {

  private final ServerWebSocket socket;
  private final String id;
  private final String userId;
  private final TokenClaims token;
  private final boolean binary;
  private final int maxSendQueue;
  private final Set<String> conversations = ConcurrentHashMap.newKeySet();
  private final Set<String> resumed = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> nextSeq = new ConcurrentHashMap<>();
  private final AtomicInteger sendQueue = new AtomicInteger();
  private final RateBucket frames;
  private final Counter framesOut;
  private final MeterRegistry meters;
  private int violations;
  private volatile long lastSeenNanos = System.nanoTime();

  public Session(
      ServerWebSocket socket,
      String id,
      TokenClaims token,
      boolean binary,
      int framesPerSecond,
      int maxSendQueue,
      MeterRegistry meters) {
    this.meters = meters;
    this.framesOut = meters.counter("aicoder.ws.frames.out");
    this.socket = socket;
    this.id = id;
    this.token = token;
    this.userId = token.user();
    this.binary = binary;
    this.maxSendQueue = maxSendQueue;
    this.frames = new RateBucket(framesPerSecond, framesPerSecond * 2);
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  /** The verified token the connection opened with. */
  public TokenClaims token() {
    return token;
  }

  /** The conversations it joined: it gets every turn of them. */
  public Set<String> conversations() {
    return conversations;
  }

  /** The conversations of turns it resumed without joining them, for the access re-check. */
  public Set<String> resumed() {
    return resumed;
  }

  /** Whether this frame fits the connection's rate; counts a violation when it does not. */
  public synchronized boolean allowFrame() {
    if (frames.tryTake()) {
      return true;
    }
    violations++;
    return false;
  }

  public synchronized int violations() {
    return violations;
  }

  /** Notes that the client showed it is alive (any frame, or a pong). */
  public void touch() {
    lastSeenNanos = System.nanoTime();
  }

  public long lastSeenNanos() {
    return lastSeenNanos;
  }

  /** A protocol-level ping; browsers answer it with a pong by themselves. */
  public void ping() {
    if (!socket.isClosed()) {
      socket.writePing(Buffer.buffer());
    }
  }

  /** Frames handed to the socket and not yet written. */
  public int sendQueueDepth() {
    return sendQueue.get();
  }

  /** Sends a frame. */
  public void send(Frame frame) {
    if (binary) {
      write(null, FrameCodec.toMsgpack(frame));
    } else {
      write(FrameCodec.toJson(frame), null);
    }
  }

  /**
   * Delivers a turn event unless this connection already has it; {@code json} is the event as
   * stored in Redis, passed through untouched to JSON clients.
   */
  public void deliver(Frame.TurnEvent event, String json) {
    synchronized (nextSeq) {
      long next = nextSeq.getOrDefault(event.turnId(), 0L);
      if (event.seq() < next) {
        return;
      }
      nextSeq.put(event.turnId(), event.seq() + 1);
    }
    if (binary) {
      write(null, FrameCodec.toMsgpack(event));
    } else {
      write(json, null);
    }
  }

  /**
   * Takes the client's word for what it has of a turn: everything after {@code lastSeq} is sent
   * again, even events this connection saw live (a viewer that joined mid-turn resumes from 0).
   */
  public void seen(String turnId, long lastSeq) {
    synchronized (nextSeq) {
      nextSeq.put(turnId, lastSeq + 1);
    }
  }

  public boolean isOpen() {
    return !socket.isClosed();
  }

  /** Closes the connection from the server side, counted by code. */
  public void close(int code, String reason) {
    if (!socket.isClosed()) {
      meters.counter("aicoder.ws.server.closes", "code", Integer.toString(code)).increment();
      socket.close((short) code, reason);
    }
  }

  private void write(String text, byte[] bytes) {
    if (socket.isClosed()) {
      return;
    }
    if (sendQueue.incrementAndGet() > maxSendQueue) {
      sendQueue.decrementAndGet();
      Log.infof(
          "Closing connection %s of %s: %d frames wait to be written", id(), userId, maxSendQueue);
      close(1013, "send queue overflow: the client is not reading fast enough");
      return;
    }
    framesOut.increment();
    var sent =
        text != null
            ? socket.writeTextMessage(text)
            : socket.writeBinaryMessage(Buffer.buffer(bytes));
    sent.onComplete(done -> sendQueue.decrementAndGet());
  }
}
