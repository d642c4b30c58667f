package dev.aicoder.chat;

/** A token bucket: {@code ratePerSecond} tokens refill per second, up to {@code burst}. */
final class RateBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();

  RateBucket(int ratePerSecond, int burst) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
  }

  synchronized boolean tryTake() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
