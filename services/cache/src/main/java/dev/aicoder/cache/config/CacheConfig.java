package dev.aicoder.cache.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The cache service's settings; environment variables are named in application.properties. */
@ConfigMapping(prefix = "aicoder.cache")
public interface CacheConfig {

  /**
   * How long an entry lives unless its writer says otherwise ({@code CACHE_TTL}): a duration
   * ({@code 1h}, {@code 90s}, {@code PT5M}), or the seed's bare number of milliseconds.
   */
  @WithDefault("1h")
  @WithConverter(TtlConverter.class)
  Duration ttl();

  /** The longest TTL a writer may ask for. */
  @WithDefault("7d")
  @WithConverter(TtlConverter.class)
  Duration maxTtl();

  /** The largest value one entry may hold. */
  @WithDefault("1M")
  MemorySize maxEntrySize();

  /** Values at least this long are compressed (LZ4) when that makes them smaller. */
  @WithDefault("512")
  MemorySize compressAbove();

  /**
   * The AES-256 key that encrypts entries in Redis and on disk, base64 of 32 random bytes ({@code
   * AI_CODER_CACHE_KEY}); unset, entries are stored unencrypted.
   */
  Optional<String> key();

  /**
   * Earlier keys, comma-separated base64 ({@code AI_CODER_CACHE_OLD_KEYS}): entries they encrypted
   * stay readable after a rotation, so a new key needs no flush.
   */
  Optional<List<String>> oldKeys();

  /** The product's own namespaces: their meters exist from the start, so dashboards show zeros. */
  @WithDefault("answers")
  List<String> namespaces();

  /** The most namespaces the cache keeps apart (each has its own statistics and metrics). */
  @WithDefault("32")
  int maxNamespaces();

  /** Tier 1: this process's memory. */
  Memory memory();

  /** Tier 2: Redis, shared by every replica. */
  Redis redis();

  /** Tier 3: files on this replica's volume. */
  Files file();

  /** Tier 1 settings. */
  interface Memory {
    /** The most bytes of values held in memory (W-TinyLFU decides what stays). */
    @WithDefault("64M")
    MemorySize maxBytes();
  }

  /** Tier 2 settings. */
  interface Redis {
    /** The most bytes the cache's entries may take in Redis; the soonest to expire go first. */
    @WithDefault("256M")
    MemorySize maxBytes();
  }

  /** Tier 3 settings. */
  interface Files {
    /** The folder of the file tier; emptied at start (it may have missed invalidations). */
    Path dir();

    /** The most bytes of entries on disk. */
    @WithDefault("1G")
    MemorySize maxBytes();
  }
}
