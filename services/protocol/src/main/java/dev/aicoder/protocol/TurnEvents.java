package dev.aicoder.protocol;

import java.util.List;

/**
 * How turn events are written: each at its seq in its turn's own stream (Redis refuses a seq that
 * is not above the last, so two writers never both land one), then, only if that worked, published
 * on the live channel every chat-websocket instance subscribes to ({@link Keys#LIVE}), one message
 * for all of them. One script appends any number of events, of any turns, in one round trip;
 * ai-streaming sends every turn's pending events together. Every writer of turn events uses it:
 * ai-streaming, and the test and benchmark code that plays it.
 */
public final class TurnEvents {

  /**
   * KEYS: each event's turn stream. ARGV: the live channel, then per event its entry id, JSON and
   * turn id. Returns one element per event: 1, or the error that refused it. With a single event,
   * its refusal is the script's error.
   *
   * <p>The events that landed are published as one message ({@link #live}), whatever their turns:
   * one message per batch instead of one per event cut Redis's work and the tailers' reads
   * (benchmarks/chat-latency).
   */
  public static final String APPEND =
      "local out = {}\n"
          + "local live = {}\n"
          + "for i = 1, #KEYS do\n"
          + "  local a = (i - 1) * 3 + 1\n"
          + "  local r = redis.pcall('XADD', KEYS[i], ARGV[a + 1], '"
          + Keys.EVENT_FIELD
          + "', ARGV[a + 2])\n"
          + "  if type(r) == 'table' and r.err then\n"
          + "    if #KEYS == 1 then return r end\n"
          + "    out[i] = r.err\n"
          + "  else\n"
          + "    live[#live + 1] = ARGV[a + 3]\n"
          + "    live[#live + 1] = ARGV[a + 2]\n"
          + "    out[i] = 1\n"
          + "  end\n"
          + "end\n"
          + "if #live > 0 then\n"
          + "  redis.call('PUBLISH', ARGV[1], table.concat(live, '\\n'))\n"
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
    String[] args = new String[3 + 4 * n];
    args[0] = APPEND;
    args[1] = Integer.toString(n);
    int a = 2 + n;
    args[a++] = Keys.LIVE;
    for (int i = 0; i < n; i++) {
      Frame.TurnEvent event = events.get(i);
      args[2 + i] = Keys.turn(event.turnId());
      args[a++] = Keys.entryId(event.seq());
      args[a++] = FrameCodec.toJson(event);
      args[a++] = event.turnId();
    }
    return args;
  }

  /**
   * The turn ids and events of a {@link Keys#LIVE} message, alternately: one line each (an event's
   * JSON has no line break, as JSON escapes one in a string).
   */
  public static String[] live(String message) {
    return message.split("\n", -1);
  }
}
