package dev.aicoder.ai.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The streaming SLIs of DESIGN section 7, as Prometheus sees them: {@code aicoder_turn_*}. */
@ApplicationScoped
public class TurnMetrics {

  private final MeterRegistry registry;
  private final Timer queue;
  private final Timer promptBuild;
  private final Timer model;
  private final Timer firstToken;
  private final Timer cacheFirstToken;
  private final Timer tokenGap;
  private final DistributionSummary tokensPerSecond;
  private final DistributionSummary deltaTokens;
  private final Timer cancelLatency;
  private final Counter reclaimed;
  private final Counter retries;
  private final AtomicInteger active = new AtomicInteger();

  TurnMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queue = timer("aicoder.turn.ttft.queue", "From accepted to picked up by a worker");
    this.promptBuild = timer("aicoder.turn.ttft.prompt", "Building the prompt");
    this.model = timer("aicoder.turn.ttft.model", "From the model call to its first token");
    this.firstToken = timer("aicoder.turn.ttft", "From accepted to the first token written");
    this.cacheFirstToken =
        timer(
            "aicoder.turn.ttft.cache",
            "From accepted to the first token of an answer replayed from the answer cache");
    this.tokenGap = timer("aicoder.turn.token.gap", "Time between two tokens of the model");
    this.cancelLatency =
        timer("aicoder.turn.cancel.latency", "From the cancel request to the model call aborted");
    this.tokensPerSecond =
        DistributionSummary.builder("aicoder.turn.tokens.per.second")
            .description("Output tokens per second of a finished turn")
            .publishPercentileHistogram()
            .register(registry);
    this.deltaTokens =
        DistributionSummary.builder("aicoder.turn.delta.tokens")
            .description("Model tokens coalesced into one delta event")
            .register(registry);
    this.reclaimed =
        Counter.builder("aicoder.turn.reclaimed")
            .description("Turns claimed from a dead worker")
            .register(registry);
    this.retries =
        Counter.builder("aicoder.turn.model.retries")
            .description("Model calls retried after 429/5xx")
            .register(registry);
    registry.gauge("aicoder.turn.active", active);
    // The SLO's outcomes at 0 from the start: a series born at 1 hides its first turn from rate().
    for (String outcome : new String[] {"done", "error", "cancelled"}) {
      registry.counter("aicoder.turn.ended", "outcome", outcome);
    }
    for (String result : new String[] {"hit", "miss", "stored"}) {
      registry.counter("aicoder.turn.answer.cache", "result", result);
    }
  }

  private Timer timer(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  /** Registers a gauge of requests waiting in the stream for a worker. */
  public void queuedGauge(Supplier<Number> queued) {
    // A strong reference: the registry holds a gauge's object weakly, and a method reference
    // nothing else holds is collected at the next GC, leaving the gauge NaN.
    Gauge.builder("aicoder.turn.queued", queued, s -> s.get().doubleValue())
        .strongReference(true)
        .register(registry);
  }

  /** Registers a gauge of the request group's lag: requests no worker has read yet. */
  public void lagGauge(Supplier<Number> lag) {
    Gauge.builder("aicoder.requests.lag", lag, s -> s.get().doubleValue())
        .description("Requests in the stream that no worker of the group has read yet")
        .strongReference(true)
        .register(registry);
  }

  void queue(long ms) {
    queue.record(Duration.ofMillis(Math.max(0, ms)));
  }

  void promptBuild(long nanos) {
    promptBuild.record(Duration.ofNanos(nanos));
  }

  void model(long nanos) {
    model.record(Duration.ofNanos(nanos));
  }

  void firstToken(long ms) {
    firstToken.record(Duration.ofMillis(Math.max(0, ms)));
  }

  /** A replayed answer's first token: counted in {@code aicoder.turn.ttft} too, as users see it. */
  void cacheFirstToken(long ms) {
    cacheFirstToken.record(Duration.ofMillis(Math.max(0, ms)));
  }

  /** A lookup or a write of the answer cache: {@code hit}, {@code miss} or {@code stored}. */
  void answerCache(String result) {
    registry.counter("aicoder.turn.answer.cache", "result", result).increment();
  }

  void tokenGap(long nanos) {
    tokenGap.record(Duration.ofNanos(nanos));
  }

  void tokensPerSecond(double value) {
    tokensPerSecond.record(value);
  }

  void deltaTokens(int n) {
    deltaTokens.record(n);
  }

  void cancelled(long nanos) {
    cancelLatency.record(Duration.ofNanos(nanos));
  }

  void reclaimed() {
    reclaimed.increment();
  }

  void retried() {
    retries.increment();
  }

  void ended(String outcome) {
    registry.counter("aicoder.turn.ended", "outcome", outcome).increment();
  }

  AtomicInteger active() {
    return active;
  }
}
