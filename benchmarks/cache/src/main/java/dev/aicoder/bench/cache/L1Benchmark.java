package dev.aicoder.bench.cache;

import dev.aicoder.cache.service.MemoryTier;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * An L1 hit: {@link MemoryTier#get} of a warm entry (1,024 entries of 4 KB, read round-robin), as
 * the service builds the tier (64 MB, Caffeine's upkeep on the calling thread: {@code
 * upkeep=caller}). {@code upkeep=pool} hands the upkeep to the common pool, as the service did
 * before, to show what that hand-off cost.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class L1Benchmark {

  static final String NAMESPACE = "answers";
  private static final int KEYS = 1024;

  @Param({"pool", "caller"})
  public String upkeep;

  private MemoryTier tier;
  private String[] keys;

  /** Each thread's position in the key list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void setup() {
    Executor executor = upkeep.equals("pool") ? ForkJoinPool.commonPool() : Runnable::run;
    tier = new MemoryTier(64L << 20, ns -> {}, executor);
    byte[] value = Texts.text(4096, 1);
    long expires = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "q-" + Integer.toHexString(0x10000 + i);
      tier.put(NAMESPACE, keys[i], new MemoryTier.Held(NAMESPACE, value, expires));
    }
    for (String key : keys) {
      if (tier.get(NAMESPACE, key) == null) {
        throw new IllegalStateException("not a hit: " + key);
      }
    }
  }

  @Benchmark
  public MemoryTier.Held get(Cursor cursor) {
    return tier.get(NAMESPACE, keys[cursor.next++ & (KEYS - 1)]);
  }
}
