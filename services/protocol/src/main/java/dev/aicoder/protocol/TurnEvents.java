package dev.aicoder.protocol;

import java.util.List;

/**
 * How turn events are written: each at its seq in its turn's own stream (Redis refuses a seq that
 * is not above the last, so two writers never both land one), then, only if that worked, in the
 * live stream every chat-websocket instance reads ({@link Keys#LIVE}). One script appends any
 * number of events, of any turns, in one round trip; ai-streaming sends every turn's pending events
 * together. Every writer of turn events uses it: ai-streaming, and the test and benchmark code that
 * plays it.
 */
public final class TurnEvents {

  /**
   * KEYS: the live stream, then each event's turn stream. ARGV: the live bound, then per event its
   * entry id, JSON and turn id. Returns one element per event: 1, or the error that refused it.
   * With a single event, its refusal is the script's error.
   */
  public static final String APPEND =
      "local out = {}\n"
          + "for i = 2, #KEYS do\n"
          + "  local a = (i - 2) * 3 + 1\n"
          + "  local r = redis.pcall('XADD', KEYS[i], ARGV[a + 1], '"
          + Keys.EVENT_FIELD
          + "', ARGV[a + 2])\n"
          + "  if type(r) == 'table' and r.err then\n"
          + "    if #KEYS == 2 then return r end\n"
          + "    out[i - 1] = r.err\n"
          + "  else\n"
          + "    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '"
          + Keys.LIVE_TURN_FIELD
          + "', ARGV[a + 3], '"
          + Keys.EVENT_FIELD
          + "', ARGV[a + 2])\n"
          + "    out[i - 1] = 1\n"
          + "  end\n"
          + "end\n"
          + "return out";

  private TurnEvents() {}

  /** The arguments of {@code EVAL} that appends {@code event}. */
  public static String[] append(Frame.TurnEvent event) {
    return append(List.of(event));
  }

  /** The arguments of {@code EVAL} that appends {@code events}, at most one per turn. */
  public static String[] append(List<? extends Frame.TurnEvent> events) {
    int n = events.size();
    String[] args = new String[4 + 4 * n];
    args[0] = APPEND;
    args[1] = Integer.toString(n + 1);
    args[2] = Keys.LIVE;
    int a = 3 + n;
    args[a++] = Integer.toString(Keys.LIVE_MAXLEN);
    for (int i = 0; i < n; i++) {
      Frame.TurnEvent event = events.get(i);
      args[3 + i] = Keys.turn(event.turnId());
      args[a++] = Keys.entryId(event.seq());
      args[a++] = FrameCodec.toJson(event);
      args[a++] = event.turnId();
    }
    return args;
  }
}
