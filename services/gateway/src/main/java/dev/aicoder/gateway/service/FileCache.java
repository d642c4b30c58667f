package dev.aicoder.gateway.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aicoder.gateway.config.GatewayConfig;
import dev.aicoder.gateway.config.LocalCaches;
import dev.aicoder.gateway.service.WorkspaceFiles.FileVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files read whole in the last {@code files.cache-window}, answered from memory on the event loop:
 * the open, read and the two {@code stat}s around it, and the hand-off to a worker thread, cost
 * more than the rest of a small file read (benchmarks/README.md, file-read). Every change made
 * through this gateway replica ({@link WorkspaceFiles}) drops its workspace's files at once, so a
 * reader never gets an older version than one this replica wrote; other replicas drop them as soon
 * as their blocking read of the change feed returns ({@link FileChangeFeed}), and a change made
 * beside the gateway (a shell on the volume) is seen within the window. Writes still compare
 * against the disk, so a stale read can never overwrite newer work: its {@code If-Match} gets 412.
 * Past {@code files.cache-size} bytes the least useful files are evicted.
 */
@ApplicationScoped
public class FileCache {

  /** Larger files are read from disk every time. */
  static final int MAX_FILE = 1 << 20;

  /** A whole file as read, with whether it looked binary and when its version was checked. */
  public record Cached(FileVersion version, byte[] bytes, boolean binary, long checkedAtMs) {}

  /**
   * The files of one workspace read since its last change. A reader takes the shelf before it looks
   * at the disk; a change detaches the shelf, so what a reader puts there afterwards is never
   * served (it is keyed by the detached shelf, and ages out).
   */
  public static final class Shelf {}

  /** A file on a shelf; shelves compare by identity. */
  private record Key(Shelf shelf, String path) {}

  private final Map<Path, Shelf> shelves = new ConcurrentHashMap<>();
  private final Cache<Key, Cached> files;
  private final long windowMs;
  private final long maxBytes;

  @Inject
  FileCache(GatewayConfig config, LocalCaches caches) {
    this(config.files().cacheWindow().toMillis(), config.files().cacheSize().asLongValue(), caches);
  }

  FileCache(long windowMs, long maxBytes, LocalCaches caches) {
    this.windowMs = windowMs;
    this.maxBytes = maxBytes;
    this.files =
        caches.build(
            "file-reads",
            Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, Cached>weigher((key, file) -> file.bytes().length + key.path().length())
                .expireAfterWrite(Duration.ofMillis(Math.max(1, windowMs))));
  }

  /** The file under {@code path} (as the client sent it) if it was read within the window. */
  public Cached get(Path root, String path, long nowMs) {
    Shelf shelf = shelves.get(root);
    Cached file = shelf == null || path == null ? null : files.getIfPresent(new Key(shelf, path));
    return file != null && nowMs - file.checkedAtMs() < windowMs ? file : null;
  }

  /** The shelf to put a file on once read; take it before the first look at the disk. */
  public Shelf shelf(Path root) {
    return windowMs > 0 ? shelves.computeIfAbsent(root, r -> new Shelf()) : null;
  }

  /** Remembers a file read whole (small enough, and while the cache is on). */
  public void put(Shelf shelf, String path, Cached file) {
    int size = file.bytes().length;
    if (shelf == null || size > MAX_FILE || size > maxBytes) {
      return;
    }
    files.put(new Key(shelf, path), file);
  }

  /** The bytes held now (files and their names). */
  long weight() {
    return files.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  /** Forgets a workspace's files; called after every change to it, and after failed ones too. */
  public void changed(Path root) {
    shelves.remove(root);
  }

  /** Forgets the files of the workspace with this id (its folder's name), changed elsewhere. */
  public void forget(String workspaceId) {
    shelves.keySet().removeIf(root -> root.getFileName().toString().equals(workspaceId));
  }
}
