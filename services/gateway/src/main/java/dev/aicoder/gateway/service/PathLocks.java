package dev.aicoder.gateway.service;

import dev.aicoder.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * Locks a workspace path for one check-and-write, against this gateway's other threads and against
 * every other gateway on the same volume: a monitor, then an OS lock on one of {@link #STRIPES}
 * lock files kept in {@link #FOLDER} beside the workspaces, where no file route reaches.
 */
@ApplicationScoped
public class PathLocks {

  /** The folder of the lock files, under the workspace root; never a workspace id (see Names). */
  static final String FOLDER = ".aicoder-locks";

  /** Paths share this many locks, so the lock files stay few whatever the number of files. */
  static final int STRIPES = 256;

  private final Path folder;
  private final Object[] monitors = new Object[STRIPES];

  @Inject
  PathLocks(GatewayConfig config) {
    this(config.workspaceRoot());
  }

  PathLocks(Path workspaceRoot) {
    this.folder = workspaceRoot.toAbsolutePath().normalize().resolve(FOLDER);
    for (int i = 0; i < STRIPES; i++) {
      monitors[i] = new Object();
    }
  }

  /** Runs {@code action} while no other thread or gateway holds the lock of {@code path}. */
  public <T> T locked(Path path, Supplier<T> action) {
    // The same string on every gateway: paths come from the workspace folder's real path.
    int stripe = Math.floorMod(path.toString().hashCode(), STRIPES);
    // File locks belong to the whole JVM (a second one on the same file throws instead of
    // waiting), so the monitor lets one thread at a time open and lock the stripe's file.
    synchronized (monitors[stripe]) {
      try {
        Files.createDirectories(folder);
        try (FileChannel channel =
                FileChannel.open(
                    folder.resolve(stripe + ".lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          return action.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot lock " + path.getFileName() + " for writing", e);
      }
    }
  }
}
