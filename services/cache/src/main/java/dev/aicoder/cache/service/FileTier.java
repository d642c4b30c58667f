package dev.aicoder.cache.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Tier 3: encoded entries as files ({@code <dir>/<namespace>/<key>}) on this replica's volume,
 * bounded by bytes. An in-memory index (Caffeine, W-TinyLFU by size) decides which files stay; the
 * folder is emptied at start, since invalidations sent while this replica was down never reached
 * it.
 */
public final class FileTier {

  private record Stored(String namespace, long size) {}

  /** The file that marks a folder as this tier's, so only such a folder is ever emptied. */
  static final String MARKER = ".ai-coder-cache";

  private final Path dir;
  private final Cache<String, Stored> index;

  /**
   * @param evicted told the namespace of each entry evicted for room
   */
  public FileTier(Path dir, long maxBytes, Consumer<String> evicted, Executor executor) {
    this.dir = dir;
    try {
      empty(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "The cache folder " + dir + " is not usable: " + e.getMessage(), e);
    }
    this.index =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String k, Stored s) -> (int) Math.min(Integer.MAX_VALUE, s.size()))
            .executor(executor)
            .removalListener(
                (String id, Stored s, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE && s != null) {
                    delete(dir.resolve(id));
                    evicted.accept(s.namespace());
                  }
                })
            .build();
  }

  /**
   * Empties the folder for a fresh start, but only one that is empty or marked as this tier's: a
   * mistyped AI_CODER_CACHE_DIR (a home folder, a volume's root) is refused, never wiped.
   */
  private static void empty(Path dir) throws IOException {
    Path marker = dir.resolve(MARKER);
    if (Files.isDirectory(dir) && !Files.exists(marker)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException(
              "AI_CODER_CACHE_DIR="
                  + dir
                  + " holds files that are not the cache's; the cache empties its folder at"
                  + " start, so give it an empty or new folder");
        }
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder())
            .filter(p -> !p.equals(dir) && !p.equals(marker))
            .forEach(FileTier::delete);
      }
    }
    Files.createDirectories(dir);
    if (!Files.exists(marker)) {
      Files.writeString(
          marker, "The AI-Coder cache's file tier: emptied whenever the cache starts.\n");
    }
  }

  public byte[] get(String namespace, String key) {
    String id = MemoryTier.id(namespace, key);
    if (index.getIfPresent(id) == null) {
      return null;
    }
    try {
      return Files.readAllBytes(dir.resolve(id));
    } catch (NoSuchFileException e) {
      index.invalidate(id);
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void put(String namespace, String key, byte[] encoded) {
    String id = MemoryTier.id(namespace, key);
    Path target = dir.resolve(id);
    try {
      Files.createDirectories(target.getParent());
      Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
      Files.write(temp, encoded);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    index.put(id, new Stored(namespace, encoded.length));
  }

  public void remove(String namespace, String key) {
    String id = MemoryTier.id(namespace, key);
    index.invalidate(id);
    delete(dir.resolve(id));
  }

  /** Drops one namespace, or everything when {@code namespace} is null. */
  public void clear(String namespace) {
    index.asMap().keySet().removeIf(id -> namespace == null || id.startsWith(namespace + '/'));
    try (Stream<Path> files = Files.walk(namespace == null ? dir : dir.resolve(namespace))) {
      files
          .filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().equals(MARKER))
          .forEach(FileTier::delete);
    } catch (NoSuchFileException e) {
      // nothing stored in that namespace
    } catch (IOException e) {
      Log.warnf("Cannot empty the cache folder %s: %s", dir, e.getMessage());
    }
  }

  /** The bytes of the entries on disk now, for the bytes gauge. */
  public long weight() {
    return index.asMap().values().stream().mapToLong(Stored::size).sum();
  }

  public long size() {
    return index.estimatedSize();
  }

  public void measure(Tally tally) {
    index.cleanUp();
    index.asMap().values().forEach(s -> tally.add(s.namespace(), s.size()));
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      Log.warnf("Cannot delete the cache file %s: %s", file, e.getMessage());
    }
  }
}
