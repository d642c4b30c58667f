package dev.aicoder.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.config.LocalCaches;
import dev.aicoder.gateway.service.FileCache.Cached;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileCacheTest {

  private static final Path ROOT = Path.of("/workspaces/w1");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aFileIsServedWithinTheWindowOnly() {
    FileCache cache = cache(1_000, 1 << 20);
    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    assertThat(cache.get(ROOT, "a.txt", 10_999)).isNotNull();
    assertThat(cache.get(ROOT, "a.txt", 11_000)).isNull();
    assertThat(cache.get(ROOT, "b.txt", 10_000)).isNull();
    assertThat(cache.get(Path.of("/workspaces/w2"), "a.txt", 10_000)).isNull();
    assertThat(cache.get(ROOT, null, 10_000)).isNull();
  }

  @Test
  void aReadThatStartedBeforeAChangeIsNeverServed() {
    FileCache cache = cache(1_000, 1 << 20);
    FileCache.Shelf taken = cache.shelf(ROOT); // a reader looks at the disk...
    cache.changed(ROOT); // ...a write lands...
    cache.put(taken, "a.txt", file(100, 10_000)); // ...and the reader puts what it saw
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNull();

    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    cache.changed(ROOT);
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNull();
  }

  @Test
  void memoryIsBoundedByBytesAndTheLeastUsefulFilesAreEvicted() {
    FileCache cache = cache(1_000, 250);
    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    cache.put(cache.shelf(ROOT), "b.txt", file(100, 10_000));
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNotNull();
    assertThat(cache.get(ROOT, "b.txt", 10_000)).isNotNull();
    for (int i = 0; i < 20; i++) {
      cache.put(cache.shelf(ROOT), "new-" + i + ".txt", file(100, 10_000));
      assertThat(cache.weight()).isLessThanOrEqualTo(250);
    }
    assertThat(registry.get("cache.evictions").tag("cache", "file-reads").functionCounter().count())
        .isGreaterThanOrEqualTo(20);
  }

  @Test
  void largeFilesAndAZeroWindowAreNotKept() {
    FileCache cache = cache(1_000, 250);
    cache.put(cache.shelf(ROOT), "big.txt", file(300, 10_000));
    assertThat(cache.get(ROOT, "big.txt", 10_000)).isNull();
    assertThat(cache.weight()).isZero();

    FileCache huge = cache(1_000, Long.MAX_VALUE);
    huge.put(huge.shelf(ROOT), "huge.bin", file(FileCache.MAX_FILE + 1, 10_000));
    assertThat(huge.get(ROOT, "huge.bin", 10_000)).isNull();

    FileCache off = cache(0, 1 << 20);
    off.put(off.shelf(ROOT), "a.txt", file(100, 10_000));
    assertThat(off.get(ROOT, "a.txt", 10_000)).isNull();
  }

  private FileCache cache(long windowMs, long maxBytes) {
    // Evictions run on the writing thread, so they have happened when put returns.
    return new FileCache(windowMs, maxBytes, new LocalCaches(registry, Runnable::run));
  }

  private static Cached file(int size, long checkedAtMs) {
    return new Cached(
        new FileVersion(size, checkedAtMs, "\"" + size + "\""), new byte[size], false, checkedAtMs);
  }
}
