package dev.aicoder.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One run of the harness.
 *
 * @param turns prompts sent in all
 * @param rate prompts per second, steady
 * @param conversations conversations the prompts go round
 * @param viewers connections watching each conversation (the prompter among them), spread over both
 *     gateways
 * @param tokens tokens of a normal answer; the model streams one every {@code gapMs}
 * @param firstTokenMs the model's delay before the first token
 * @param gapMs the model's delay between tokens
 * @param drops how long the dropped clients stay away, one drop fault each
 * @param faultedTurns how many turns each model fault (slow, erroring, hanging) applies to
 * @param slowGapMs the gap between tokens of a slow answer
 * @param claimIdle ai-streaming's idle time before another worker claims a request
 * @param maxTurnDuration ai-streaming's cap on one answer, which ends a hanging model's turn
 * @param drain how long after the last prompt every viewer may take to see every turn end
 * @param basePort the fake model's port; the services take the next six
 * @param redisPort Redis's port
 */
record ChaosConfig(
    int turns,
    double rate,
    int conversations,
    int viewers,
    int tokens,
    int firstTokenMs,
    int gapMs,
    List<Duration> drops,
    int faultedTurns,
    int slowGapMs,
    Duration claimIdle,
    Duration maxTurnDuration,
    Duration drain,
    int basePort,
    int redisPort) {

  /** The full run of {@code make chaos}: 1,000 turns, drops of 5, 30 and 90 s. */
  static ChaosConfig full(int turns, double rate) {
    return new ChaosConfig(
        turns,
        rate,
        8,
        3,
        40,
        100,
        20,
        List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(90)),
        10,
        300,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(90),
        8480,
        6394);
  }

  /** The short run inside {@code make test}: a few dozen turns, drops of 2 to 5 s. */
  static ChaosConfig quick(int redisPort) {
    return new ChaosConfig(
        40,
        0.4,
        4,
        3,
        30,
        100,
        30,
        List.of(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5)),
        2,
        150,
        Duration.ofSeconds(3),
        Duration.ofSeconds(6),
        Duration.ofSeconds(40),
        8490,
        redisPort);
  }

  /** How long the prompts take at the steady rate. */
  Duration length() {
    return Duration.ofMillis((long) (turns * 1000 / rate));
  }
}
