package dev.aicoder.cache.service;

import java.util.Map;
import java.util.TreeMap;

/** Entries and bytes per namespace in one tier, counted for statistics. */
public final class Tally {

  /** One namespace's count. */
  public static final class Count {
    public long entries;
    public long bytes;
  }

  private final Map<String, Count> byNamespace = new TreeMap<>();

  public synchronized void add(String namespace, long bytes) {
    Count c = byNamespace.computeIfAbsent(namespace, n -> new Count());
    c.entries++;
    c.bytes += bytes;
  }

  public synchronized Map<String, Count> byNamespace() {
    return Map.copyOf(byNamespace);
  }

  public synchronized long entries() {
    return byNamespace.values().stream().mapToLong(c -> c.entries).sum();
  }

  public synchronized long bytes() {
    return byNamespace.values().stream().mapToLong(c -> c.bytes).sum();
  }
}
