package dev.aicoder.protocol;

/**
 * How a turn's event is written: at its seq in the turn's own stream (Redis refuses a seq that is
 * not above the last, so two writers never both land one), then, only if that worked, in the live
 * stream every chat-websocket instance reads ({@link Keys#LIVE}). One script, one round trip. Every
 * writer of turn events uses it: ai-streaming, and the test and benchmark code that plays it.
 */
public final class TurnEvents {

  /** KEYS: the turn's stream, the live stream. ARGV: entry id, event JSON, turn id, live bound. */
  public static final String APPEND =
      "local id = redis.call('XADD', KEYS[1], ARGV[1], '"
          + Keys.EVENT_FIELD
          + "', ARGV[2])\n"
          + "redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', '"
          + Keys.LIVE_TURN_FIELD
          + "', ARGV[3], '"
          + Keys.EVENT_FIELD
          + "', ARGV[2])\n"
          + "return id";

  private TurnEvents() {}

  /** The arguments of {@code EVAL} that appends {@code event}. */
  public static String[] append(Frame.TurnEvent event) {
    return new String[] {
      APPEND,
      "2",
      Keys.turn(event.turnId()),
      Keys.LIVE,
      Keys.entryId(event.seq()),
      FrameCodec.toJson(event),
      event.turnId(),
      Integer.toString(Keys.LIVE_MAXLEN)
    };
  }
}
