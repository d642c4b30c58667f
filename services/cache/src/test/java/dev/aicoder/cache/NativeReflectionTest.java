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
    assertThat(ReflectionRegistrations.missing(List.of(CacheConfig.class, Problem.class), Set.of()))
        .as("serialized records without @RegisterForReflection")
        .isEmpty();
  }
}
