package dev.aicoder.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.cache.config.CacheConfig;
import dev.aicoder.common.Problem;
import dev.aicoder.common.ReflectionRegistrations;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A native executable can serialize only what is registered for reflection: a new DTO or frame
 * record that is not would work in JVM mode and fail in the native image.
 */
class NativeReflectionTest {

  @Test
  void everySerializedRecordIsRegisteredForReflection() {
    // The tiers' records stay in the process: values travel as bytes, never through Jackson.
    Set<String> inProcess =
        Set.of(
            "dev.aicoder.cache.service.EntryCodec$Decoded",
            "dev.aicoder.cache.service.FileTier$Stored",
            "dev.aicoder.cache.service.KeyRing$Key",
            "dev.aicoder.cache.service.MemoryTier$Held",
            "dev.aicoder.cache.service.TieredCache$Hit",
            "dev.aicoder.cache.service.TieredCache$Written");
    assertThat(
            ReflectionRegistrations.missing(List.of(CacheConfig.class, Problem.class), inProcess))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
