package dev.aicoder.protocol;

import java.util.List;

/**
 * How turn events are written: each at its seq in its turn's own stream (Redis refuses a seq that
 * is not above the last, so two writers never both land one), then, only if that worked, in the
 * live stream every chat-websocket instance reads ({@link Keys#LIVE}), one entry for all of them.
 * One script appends any number of events, of any turns, in one round trip; ai-streaming sends
 * every turn's pending events together. Every writer of turn events uses it: ai-streaming, and the
 * test and benchmark code that plays it.
 */
public final class TurnEvents {

  /**
   * KEYS: the live stream, then each event's turn stream. ARGV: how long the live stream keeps an
   * entry (ms), then per event its entry id, JSON and turn id. Returns one element per event: 1, or
   * the error that refused it. With a single event, its refusal is the script's error.
   *
   * <p>The events that landed go to the live stream as one entry, a {@code turn} and an {@code
   * event} field per event: one entry per batch instead of one per event cut Redis's work and the
   * tailers' reads (benchmarks/chat-latency). The live stream is trimmed by age, as an entry now
   * holds any number of events.
   */
  public static final String APPEND =
      "local out = {}\n"
          + "local live = {}\n"
          + "for i = 2, #KEYS do\n"
          + "  local a = (i - 2) * 3 + 1\n"
          + "  local r = redis.pcall('XADD', KEYS[i], ARGV[a + 1], '"
          + Keys.EVENT_FIELD
          + "', ARGV[a + 2])\n"
          + "  if type(r) == 'table' and r.err then\n"
          + "    if #KEYS == 2 then return r end\n"
          + "    out[i - 1] = r.err\n"
          + "  else\n"
          + "    local n = #live\n"
          + "    live[n + 1] = '"
          + Keys.LIVE_TURN_FIELD
          + "'\n"
          + "    live[n + 2] = ARGV[a + 3]\n"
          + "    live[n + 3] = '"
          + Keys.EVENT_FIELD
          + "'\n"
          + "    live[n + 4] = ARGV[a + 2]\n"
          + "    out[i - 1] = 1\n"
          + "  end\n"
          + "end\n"
          + "if #live > 0 then\n"
          + "  local t = redis.call('TIME')\n"
          + "  local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - ARGV[1]\n"
          + "  redis.call('XADD', KEYS[1], 'MINID', '~', string.format('%d', oldest), '*',"
          + " unpack(live))\n"
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
    args[a++] = Long.toString(Keys.LIVE_KEEP_MS);
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
