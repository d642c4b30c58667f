package dev.aicoder.gateway.service;

import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.FileEntry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Files inside a workspace folder: listing, versioned reads and writes, folders, moves, deletes.
 * Every path has been checked by {@link WorkspacePaths} before it gets here. Writes go to a
 * temporary file that is synced and renamed over the target, so a crash never leaves half a file; a
 * per-path lock ({@link PathLocks}) makes the version check and the rename one step for every
 * gateway on the volume.
 */
@ApplicationScoped
public class WorkspaceFiles {

  /** Names starting with this are the temporary files of writes in progress; never listed. */
  static final String TEMP_PREFIX = ".aicoder-tmp-";

  private static final Comparator<FileEntry> ORDER =
      Comparator.comparing((FileEntry e) -> !e.type().equals("dir"))
          .thenComparing(FileEntry::name, String.CASE_INSENSITIVE_ORDER)
          .thenComparing(FileEntry::name);

  private final FileChangeFeed changes;
  private final PathLocks locks;

  WorkspaceFiles(FileChangeFeed changes, PathLocks locks) {
    this.changes = changes;
    this.locks = locks;
  }

  /** One page of a folder: folders first, then by name; the cursor is the last entry's key. */
  public TreePage list(Path root, Path folder, String cursor, int limit) {
    if (!Files.isDirectory(folder)) {
      throw notFound(root, folder, "folder");
    }
    FileEntry after = decodeCursor(cursor);
    List<FileEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      for (Path child : stream) {
        String name = child.getFileName().toString();
        if (!name.startsWith(TEMP_PREFIX)) {
          FileEntry entry = entry(root, child);
          if (after == null || ORDER.compare(entry, after) > 0) {
            entries.add(entry);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
    entries.sort(ORDER);
    if (entries.size() <= limit) {
      return new TreePage(entries, null);
    }
    List<FileEntry> page = List.copyOf(entries.subList(0, limit));
    return new TreePage(page, encodeCursor(page.get(limit - 1)));
  }

  /** A folder page and the cursor of the next one (null at the end). */
  @RegisterForReflection
  public record TreePage(List<FileEntry> entries, String nextCursor) {}

  /** The attributes and version of an existing regular file; 404 otherwise. */
  public FileVersion version(Path root, Path file) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      if (attrs.isDirectory()) {
        throw new ProblemException(
            400,
            "is-a-folder",
            "Bad Request",
            WorkspacePaths.relative(root, file) + " is a folder.");
      }
      return new FileVersion(attrs.size(), attrs.lastModifiedTime().toMillis(), etag(attrs));
    } catch (NoSuchFileException e) {
      throw notFound(root, file, "file");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What identifies one version of a file. */
  public record FileVersion(long size, long modified, String etag) {}

  /** Reads {@code length} bytes from {@code offset}. */
  public byte[] read(Path file, long offset, int length) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // keep reading until the range is full or the file ends
      }
      return buffer.position() == length
          ? buffer.array()
          : java.util.Arrays.copyOf(buffer.array(), buffer.position());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the bytes look binary (a NUL byte in the first 8 KB, as git decides). */
  public static boolean isBinary(byte[] head) {
    int end = Math.min(head.length, 8192);
    int i = 0;
    // Eight bytes at a time: a word holds a zero byte iff (w - 0x01..01) & ~w & 0x80..80 != 0.
    for (; i + 8 <= end; i += 8) {
      long w = (long) WORDS.get(head, i);
      if (((w - 0x0101010101010101L) & ~w & 0x8080808080808080L) != 0) {
        return true;
      }
    }
    for (; i < end; i++) {
      if (head[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static final java.lang.invoke.VarHandle WORDS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Writes {@code content} if the file's current version is {@code ifMatch} (null: the file must
   * not exist yet; "*": any version). Answers the new version and whether the file was created.
   */
  public WriteResult write(Path root, Path file, byte[] content, String ifMatch) {
    return locks.locked(file, () -> writeLocked(root, file, content, ifMatch));
  }

  private WriteResult writeLocked(Path root, Path file, byte[] content, String ifMatch) {
    boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (exists) {
      FileVersion current = version(root, file);
      if (ifMatch == null) {
        throw new ProblemException(
                428,
                "precondition-required",
                "Precondition Required",
                "The file exists: send If-Match with the ETag you read, so no change is lost.")
            .with("currentEtag", current.etag());
      }
      if (!ifMatch.equals("*") && !ifMatch.equals(current.etag())) {
        throw conflict(root, file, current);
      }
    } else if (ifMatch != null && !ifMatch.equals("*")) {
      throw new ProblemException(
          412,
          "file-deleted",
          "Precondition Failed",
          WorkspacePaths.relative(root, file) + " was deleted since you read it.");
    }
    Path temp = file.resolveSibling(TEMP_PREFIX + java.util.UUID.randomUUID());
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      changes.changed(root);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the write failed already; the temporary file is hidden from listings
      }
      throw new UncheckedIOException("Cannot write " + WorkspacePaths.relative(root, file), e);
    }
    return new WriteResult(version(root, file), !exists);
  }

  /** The version a write produced. */
  public record WriteResult(FileVersion version, boolean created) {}

  public void createFolder(Path root, Path folder) {
    try {
      Files.createDirectories(folder.getParent());
      Files.createDirectory(folder);
    } catch (FileAlreadyExistsException e) {
      throw exists(root, folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      changes.changed(root);
    }
  }

  /** Deletes a file, or a folder with everything in it (symlinks are removed, never followed). */
  public void delete(Path root, Path path) {
    if (path.equals(root)) {
      throw new ProblemException(
          400, "invalid-path", "Invalid Path", "The workspace root cannot be deleted.");
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound(root, path, "file or folder");
    }
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (DirectoryNotEmptyException e) {
      throw new ProblemException(
          409, "conflict", "Conflict", "The folder changed while it was being deleted; try again.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      changes.changed(root); // part of it may be gone even when the delete failed
    }
  }

  /** Renames or moves; the target must not exist, and a folder cannot move into itself. */
  public void move(Path root, Path from, Path to) {
    if (from.equals(root) || to.equals(root)) {
      throw new ProblemException(
          400, "invalid-path", "Invalid Path", "The workspace root cannot be moved or replaced.");
    }
    if (to.startsWith(from)) {
      throw new ProblemException(
          400, "invalid-path", "Invalid Path", "A folder cannot be moved into itself.");
    }
    if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound(root, from, "file or folder");
    }
    // A rename replaces its target silently, so the check that it is free holds the target's lock.
    locks.locked(
        to,
        () -> {
          try {
            Files.createDirectories(to.getParent());
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
              throw exists(root, to);
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return null;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } finally {
            changes.changed(root);
          }
        });
  }

  private FileEntry entry(Path root, Path child) {
    String name = child.getFileName().toString();
    String path = WorkspacePaths.relative(root, child);
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        return new FileEntry(name, path, "symlink", 0, attrs.lastModifiedTime().toMillis());
      }
      return new FileEntry(
          name,
          path,
          attrs.isDirectory() ? "dir" : "file",
          attrs.isDirectory() ? 0 : attrs.size(),
          attrs.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return new FileEntry(name, path, "file", 0, 0); // vanished while listing
    }
  }

  private ProblemException conflict(Path root, Path file, FileVersion current) {
    ProblemException e =
        new ProblemException(
                412,
                "edit-conflict",
                "Precondition Failed",
                WorkspacePaths.relative(root, file)
                    + " changed since you read it; its current version is attached.")
            .with("currentEtag", current.etag())
            .header("ETag", current.etag());
    if (current.size() <= 1024 * 1024) {
      byte[] bytes = read(file, 0, (int) current.size());
      if (!isBinary(bytes)) {
        e.with("currentContent", new String(bytes, StandardCharsets.UTF_8));
      }
    }
    return e;
  }

  private static String etag(BasicFileAttributes attrs) {
    // Every write renames a new file into place, so the file key (device and inode) changes with
    // each version; modification time and size catch edits made in place by other tools.
    Object key = attrs.fileKey();
    return "\""
        + Integer.toHexString(key == null ? 0 : key.hashCode())
        + "-"
        + Long.toHexString(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS))
        + "-"
        + Long.toHexString(attrs.size())
        + "\"";
  }

  private static String encodeCursor(FileEntry last) {
    String key = (last.type().equals("dir") ? "d" : "f") + last.name();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static FileEntry decodeCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (key.length() < 2 || (key.charAt(0) != 'd' && key.charAt(0) != 'f')) {
        throw new IllegalArgumentException();
      }
      return new FileEntry(key.substring(1), "", key.charAt(0) == 'd' ? "dir" : "file", 0, 0);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          400,
          "invalid-cursor",
          "Bad Request",
          "The cursor is malformed; start from the first page.");
    }
  }

  private static ProblemException notFound(Path root, Path path, String what) {
    return new ProblemException(
        404,
        "not-found",
        "Not Found",
        "No " + what + " " + WorkspacePaths.relative(root, path) + ".");
  }

  private static ProblemException exists(Path root, Path path) {
    return new ProblemException(
        409,
        "already-exists",
        "Conflict",
        WorkspacePaths.relative(root, path) + " already exists.");
  }
}
