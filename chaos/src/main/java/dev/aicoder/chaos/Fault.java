package dev.aicoder.chaos;

import java.time.Duration;

/**
 * One fault of the plan: injected at {@code offset} from the first prompt, over once {@code
 * endedAt} is set (the service ready again, the dropped clients back, the last faulted prompt
 * sent).
 *
 * @param name as the table shows it
 * @param kind what to do
 * @param offset when, from the first prompt
 * @param away how long dropped clients stay away (drops only)
 */
record Fault(String name, Kind kind, Duration offset, Duration away) {

  /** The kinds of fault, in the order the plan injects them. */
  enum Kind {
    KILL_AI_STREAMING,
    KILL_CHAT_WEBSOCKET,
    KILL_GATEWAY,
    RESTART_REDIS,
    DROP,
    MODEL_SLOW,
    MODEL_ERRORING,
    MODEL_HANGING
  }

  /** The least time the fault needs before the next one, so their effects stay apart. */
  Duration needs(ChaosConfig config) {
    long turnMs = config.firstTokenMs() + (long) config.tokens() * config.gapMs();
    long faultedMs = (long) (config.faultedTurns() * 1000 / config.rate());
    long ms =
        switch (kind) {
          case KILL_AI_STREAMING -> config.claimIdle().toMillis() + 2 * turnMs + 3000;
          case KILL_CHAT_WEBSOCKET, KILL_GATEWAY -> 2 * turnMs + 4000;
          case RESTART_REDIS -> 2 * turnMs + 3000;
          case DROP -> away.toMillis() + 2 * turnMs + 2000;
          case MODEL_SLOW -> faultedMs + (long) config.tokens() * config.slowGapMs() + turnMs;
          case MODEL_ERRORING -> faultedMs + turnMs + 2000;
          case MODEL_HANGING -> faultedMs + config.maxTurnDuration().toMillis() + turnMs;
        };
    return Duration.ofMillis(ms);
  }
}
