package dev.aicoder.cache.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalCopyTest {

  private final AtomicLong now = new AtomicLong();

  @Test
  void anEntryExpiresAfterItsOwnTtlAndTheDefaultAppliesWithoutOne() {
    LocalCopy copy = new LocalCopy(1 << 20, Duration.ofMinutes(5), now::get);
    copy.put("ns", "short", new byte[] {1}, Duration.ofSeconds(10));
    copy.put("ns", "default", new byte[] {2}, null);

    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(copy.get("ns", "short")).isEmpty();
    assertThat(copy.get("ns", "default")).contains(new byte[] {2});

    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(copy.get("ns", "default")).isEmpty();
  }

  @Test
  void aRewriteStartsItsTtlAgain() {
    LocalCopy copy = new LocalCopy(1 << 20, Duration.ofMinutes(5), now::get);
    copy.put("ns", "k", new byte[] {1}, Duration.ofSeconds(10));
    now.addAndGet(Duration.ofSeconds(8).toNanos());
    copy.put("ns", "k", new byte[] {2}, Duration.ofSeconds(10));
    now.addAndGet(Duration.ofSeconds(8).toNanos());
    assertThat(copy.get("ns", "k")).contains(new byte[] {2});
  }

  @Test
  void theCopyStaysWithinItsBytes() {
    long max = 4L << 20;
    LocalCopy copy = new LocalCopy(max, Duration.ofMinutes(5), now::get);
    for (int i = 0; i < 20; i++) {
      copy.put("ns", "k" + i, new byte[1 << 20], null);
    }
    assertThat(copy.weight()).isLessThanOrEqualTo(max);
    long held =
        java.util.stream.IntStream.range(0, 20)
            .filter(i -> copy.get("ns", "k" + i).isPresent())
            .count();
    assertThat(held).isBetween(1L, 4L);
  }

  @Test
  void namespacesDoNotShareKeys() {
    LocalCopy copy = new LocalCopy(1 << 20, Duration.ofMinutes(5), now::get);
    copy.put("a", "k", new byte[] {1}, null);
    assertThat(copy.get("b", "k")).isEmpty();
    assertThat(copy.getAll("a", List.of("k", "missing"))).containsOnlyKeys("k");
  }
}
