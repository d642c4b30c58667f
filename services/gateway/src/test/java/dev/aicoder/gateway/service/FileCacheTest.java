package dev.aicoder.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aicoder.gateway.service.FileCache.Cached;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileCacheTest {

  private static final Path ROOT = Path.of("/workspaces/w1");

  @Test
  void aFileIsServedWithinTheWindowOnly() {
    FileCache cache = new FileCache(1_000, 1 << 20);
    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    assertThat(cache.get(ROOT, "a.txt", 10_999)).isNotNull();
    assertThat(cache.get(ROOT, "a.txt", 11_000)).isNull();
    assertThat(cache.get(ROOT, "b.txt", 10_000)).isNull();
    assertThat(cache.get(Path.of("/workspaces/w2"), "a.txt", 10_000)).isNull();
    assertThat(cache.get(ROOT, null, 10_000)).isNull();
  }

  @Test
  void aReadThatStartedBeforeAChangeIsNeverServed() {
    FileCache cache = new FileCache(1_000, 1 << 20);
    FileCache.Shelf taken = cache.shelf(ROOT); // a reader looks at the disk...
    cache.changed(ROOT); // ...a write lands...
    cache.put(taken, "a.txt", file(100, 10_000)); // ...and the reader puts what it saw
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNull();

    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    cache.changed(ROOT);
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNull();
  }

  @Test
  void memoryIsBoundedAndLargeFilesAndAZeroWindowAreNotKept() {
    FileCache cache = new FileCache(1_000, 250);
    cache.put(cache.shelf(ROOT), "a.txt", file(100, 10_000));
    cache.put(cache.shelf(ROOT), "b.txt", file(100, 10_000));
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNotNull();
    cache.put(cache.shelf(ROOT), "c.txt", file(100, 10_000)); // over 250 bytes: starts afresh
    assertThat(cache.get(ROOT, "a.txt", 10_000)).isNull();
    assertThat(cache.get(ROOT, "c.txt", 10_000)).isNotNull();
    cache.put(cache.shelf(ROOT), "big.txt", file(300, 10_000));
    assertThat(cache.get(ROOT, "big.txt", 10_000)).isNull();
    assertThat(cache.get(ROOT, "c.txt", 10_000)).isNotNull();

    FileCache huge = new FileCache(1_000, Long.MAX_VALUE);
    huge.put(huge.shelf(ROOT), "huge.bin", file(FileCache.MAX_FILE + 1, 10_000));
    assertThat(huge.get(ROOT, "huge.bin", 10_000)).isNull();

    FileCache off = new FileCache(0, 1 << 20);
    off.put(off.shelf(ROOT), "a.txt", file(100, 10_000));
    assertThat(off.get(ROOT, "a.txt", 10_000)).isNull();
  }

  private static Cached file(int size, long checkedAtMs) {
    return new Cached(
        new FileVersion(size, checkedAtMs, "\"" + size + "\""), new byte[size], false, checkedAtMs);
  }
}
