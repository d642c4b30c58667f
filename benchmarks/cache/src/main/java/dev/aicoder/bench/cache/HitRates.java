package dev.aicoder.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aicoder.cache.service.MemoryTier;
import dev.aicoder.cache.service.Tally;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hit rates of the memory tier's policy (W-TinyLFU: {@link MemoryTier} itself, bounded by bytes,
 * every entry the same weight) against an LRU of the same number of entries, on Zipf traces
 * replayed read-through (a miss stores the key). Also Caffeine bounded by count, the same policy
 * without weights. Settings: {@code -Drequests} (1,000,000), {@code -Dkeys} (100,000).
 */
public final class HitRates {

  private static final String NAMESPACE = "z";
  private static final byte[] EMPTY = new byte[0];
  private static final long SEED = 20261202L;

  /** One cache under test. */
  private interface Policy {
    /** True on a hit; on a miss, stores the key. */
    boolean access(String key);
  }

  /** A trace: Zipf draws, optionally with a scan of one-off keys every so often. */
  private record Trace(String name, double exponent, int scanEvery, int scanLength) {}

  private HitRates() {}

  public static void main(String[] args) throws IOException {
    int requests = Integer.getInteger("requests", 1_000_000);
    int keys = Integer.getInteger("keys", 100_000);
    List<Trace> traces =
        List.of(
            new Trace("Zipf s=0.9", 0.9, 0, 0),
            new Trace("Zipf s=1.0", 1.0, 0, 0),
            new Trace("Zipf s=0.9 + scans", 0.9, 20_000, 10_000));
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%,d requests over %,d keys (seed %d). Scans: 10,000 one-off keys after every 20,000"
                + " requests; they miss under every policy, and the hit rate counts the Zipf requests.",
            requests, keys, SEED));
    lines.add("");
    lines.add(
        "| trace | cache size | W-TinyLFU (MemoryTier, by bytes) | W-TinyLFU (Caffeine, by count) | LRU | TinyLFU - LRU |");
    lines.add("|---|---|---|---|---|---|");
    boolean allAbove = true;
    for (Trace trace : traces) {
      for (double fraction : new double[] {0.01, 0.05, 0.10}) {
        int capacity = (int) (keys * fraction);
        double tier = replay(trace, requests, keys, memoryTier(capacity));
        double count = replay(trace, requests, keys, caffeine(capacity));
        double lru = replay(trace, requests, keys, lru(capacity));
        allAbove &= tier > lru;
        lines.add(
            String.format(
                "| %s | %,d (%.0f%%) | **%.2f%%** | %.2f%% | %.2f%% | %+.2f pts |",
                trace.name(),
                capacity,
                fraction * 100,
                tier * 100,
                count * 100,
                lru * 100,
                (tier - lru) * 100));
      }
    }
    lines.add("");
    lines.add(
        "Target: W-TinyLFU hit rate above LRU: "
            + (allAbove ? "met" : "NOT met")
            + " in every row.");
    String table = String.join("\n", lines) + "\n";
    System.out.print(table);
    Files.writeString(Path.of(System.getProperty("summary", "target/hitrate-summary.md")), table);
  }

  private static double replay(Trace trace, int requests, int keys, Policy policy) {
    Zipf zipf = new Zipf(keys, trace.exponent(), SEED);
    String[] names = new String[keys];
    for (int k = 0; k < keys; k++) {
      names[k] = "k" + (100_000_000 + k);
    }
    long hits = 0;
    long oneOff = 0;
    for (int i = 0; i < requests; i++) {
      if (trace.scanEvery() > 0 && i > 0 && i % trace.scanEvery() == 0) {
        for (int j = 0; j < trace.scanLength(); j++) {
          if (policy.access("s" + (100_000_000 + oneOff++))) {
            throw new IllegalStateException("a one-off key was a hit");
          }
        }
      }
      if (policy.access(names[zipf.next()])) {
        hits++;
      }
    }
    return (double) hits / requests;
  }

  /** The service's memory tier, sized in bytes to hold {@code capacity} of these entries. */
  private static Policy memoryTier(int capacity) {
    // MemoryTier weighs an entry as value + 2 x id ("z/" + a 10-character key) + 64 bytes.
    long weight = EMPTY.length + 2L * (NAMESPACE.length() + 1 + 10) + 64;
    MemoryTier tier = new MemoryTier(capacity * weight, ns -> {}, Runnable::run);
    MemoryTier.Held held = new MemoryTier.Held(NAMESPACE, EMPTY, Long.MAX_VALUE);
    return new Policy() {
      long accesses;

      @Override
      public boolean access(String key) {
        if (++accesses % 100_000 == 0) {
          Tally tally = new Tally();
          tier.measure(tally);
          if (tally.entries() > capacity) {
            throw new IllegalStateException(
                tally.entries() + " entries held, capacity " + capacity);
          }
        }
        if (tier.get(NAMESPACE, key) != null) {
          return true;
        }
        tier.put(NAMESPACE, key, held);
        return false;
      }
    };
  }

  private static Policy caffeine(int capacity) {
    Cache<String, Boolean> cache =
        Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    return key -> {
      if (cache.getIfPresent(key) != null) {
        return true;
      }
      cache.put(key, Boolean.TRUE);
      return false;
    };
  }

  private static Policy lru(int capacity) {
    Map<String, Boolean> map =
        new LinkedHashMap<>(capacity * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
    return key -> {
      if (map.get(key) != null) {
        return true;
      }
      map.put(key, Boolean.TRUE);
      return false;
    };
  }
}
