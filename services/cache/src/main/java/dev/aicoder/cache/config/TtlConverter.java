package dev.aicoder.cache.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads a TTL: a duration ({@code 90s}, {@code 5m}, {@code 1h}, {@code PT5M}) or a bare number of
 * milliseconds, the seed's form ({@code CACHE_TTL=300000} is five minutes, never 300000 seconds).
 * Quarkus alone would read a bare number as seconds.
 */
public class TtlConverter implements Converter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value, true);
  }

  /**
   * Parses a TTL; {@code bareMillis} says what a bare number means (milliseconds in configuration,
   * seconds in the {@code Cache-TTL} header, as HTTP counts seconds).
   */
  public static Duration parse(String value, boolean bareMillis) {
    String v = value == null ? "" : value.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("A TTL cannot be empty");
    }
    Duration ttl;
    try {
      if (v.chars().allMatch(Character::isDigit)) {
        long n = Long.parseLong(v);
        ttl = bareMillis ? Duration.ofMillis(n) : Duration.ofSeconds(n);
      } else {
        ttl = DurationConverter.parseDuration(v);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + v + "' is not a TTL: write a duration such as 90s, 5m, 1h or PT5M", e);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("'" + v + "' is not a TTL: it must be positive");
    }
    return ttl;
  }
}
