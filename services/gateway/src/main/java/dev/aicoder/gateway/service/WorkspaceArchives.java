package dev.aicoder.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.common.ProblemException;
import dev.aicoder.gateway.config.GatewayConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Zip archives in and out of a workspace, both streamed. An import writes entry by entry through
 * {@link WorkspacePaths} and {@link WorkspaceFiles#write}, so every entry meets the checks of a
 * single file write: the same path rules, and no entry larger than a write's body may be. Existing
 * files are overwritten (an import is a deliberate "put these files here"); the line says so.
 */
@ApplicationScoped
public class WorkspaceArchives {

  /** The "ASi Unix" extra field, the one place a local header can say an entry is a symlink. */
  private static final int ASI_UNIX = 0x756e;

  private static final int S_IFMT = 0170000;
  private static final int S_IFLNK = 0120000;

  private final WorkspaceFiles files;
  private final ObjectMapper json;
  private final GatewayConfig.Files limits;
  private final long maxEntry;

  WorkspaceArchives(
      WorkspaceFiles files,
      ObjectMapper json,
      GatewayConfig config,
      @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "20M")
          MemorySize maxBody) {
    this.files = files;
    this.json = json;
    this.limits = config.files();
    this.maxEntry = maxBody.asLongValue();
  }

  /** What an import did: entries written, entries refused, and whether it stopped early. */
  @RegisterForReflection
  public record ImportSummary(int written, int refused, boolean stopped) {}

  /**
   * Unpacks {@code zip} into {@code folder}, writing one NDJSON line per entry to {@code out} as it
   * goes, then a summary line. Only one entry is held in memory at a time.
   */
  public ImportSummary importZip(Path root, Path folder, InputStream zip, OutputStream out)
      throws IOException {
    String base = WorkspacePaths.relative(root, folder);
    int written = 0;
    int refused = 0;
    int entries = 0;
    long total = 0;
    String stop = null;
    try (ZipInputStream in = new ZipInputStream(zip)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        if (++entries > limits.importMaxEntries()) {
          stop = "The archive has more than " + limits.importMaxEntries() + " entries.";
          break;
        }
        Path target;
        try {
          if (isSymlink(entry)) {
            throw WorkspacePaths.refused("Symlink entries are refused.");
          }
          // The name alone first: "C:/x" or "/x" must not pass as a folder named "C:" in base.
          String clean = WorkspacePaths.clean(name);
          target = WorkspacePaths.resolve(root, base.isEmpty() ? clean : base + "/" + clean);
        } catch (ProblemException e) {
          refused++;
          total += drain(in, limits.importMaxBytes().asLongValue() - total + 1);
          line(out, refusedLine(name, e.getMessage()));
          if (total > limits.importMaxBytes().asLongValue()) {
            stop = totalTooLarge();
            break;
          }
          continue;
        }
        String shown = WorkspacePaths.relative(root, target);
        if (entry.isDirectory()) {
          try {
            Files.createDirectories(target);
            line(out, Map.of("path", shown, "ok", true, "folder", true));
          } catch (IOException e) {
            refused++;
            line(out, refusedLine(shown, "A file is in the way of this folder."));
          }
          continue;
        }
        long room = Math.min(maxEntry, limits.importMaxBytes().asLongValue() - total);
        byte[] content = readAtMost(in, room + 1);
        total += content.length;
        if (content.length > room) {
          refused++;
          if (room < maxEntry) {
            stop = totalTooLarge();
            line(out, refusedLine(shown, stop));
            break;
          }
          total += drain(in, limits.importMaxBytes().asLongValue() - total + 1);
          line(out, refusedLine(shown, "Larger than " + maxEntry + " bytes, the limit of a file."));
          if (total > limits.importMaxBytes().asLongValue()) {
            stop = totalTooLarge();
            break;
          }
          continue;
        }
        try {
          WorkspaceFiles.WriteResult result = files.write(root, target, content, "*");
          written++;
          Map<String, Object> ok = new LinkedHashMap<>();
          ok.put("path", shown);
          ok.put("ok", true);
          ok.put("size", content.length);
          ok.put("replaced", !result.created());
          line(out, ok);
        } catch (ProblemException e) {
          refused++;
          line(out, refusedLine(shown, e.getMessage()));
        } catch (UncheckedIOException e) {
          refused++;
          line(out, refusedLine(shown, "Cannot write it here (is a parent folder a file?)."));
        }
      }
    } catch (ZipException | java.io.EOFException e) {
      stop = "The archive is damaged: " + e.getMessage() + ".";
    }
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("done", true);
    done.put("written", written);
    done.put("refused", refused);
    if (stop != null) {
      done.put("error", stop + " Nothing after that point was imported.");
    }
    line(out, done);
    return new ImportSummary(written, refused, stop != null);
  }

  /**
   * Writes {@code folder} as a zip to {@code out}, file by file, with paths relative to it. Folders
   * become entries (empty ones survive); symlinks are followed only to files inside the workspace,
   * never into folders; temporary files of writes in progress are left out.
   */
  public void exportZip(Path root, Path folder, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(folder)) {
              zip.putNextEntry(new ZipEntry(folder.relativize(dir) + "/"));
              zip.closeEntry();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = file.getFileName().toString();
            if (name.startsWith(WorkspaceFiles.TEMP_PREFIX)) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink() && !fileInside(root, file)) {
              return FileVisitResult.CONTINUE;
            }
            try (InputStream in = Files.newInputStream(file)) {
              zip.putNextEntry(new ZipEntry(folder.relativize(file).toString().replace('\\', '/')));
              in.transferTo(zip);
              zip.closeEntry();
            } catch (java.nio.file.NoSuchFileException e) {
              // deleted while the archive was written: it is simply not in it
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // unreadable: left out, the rest still comes
          }
        });
    zip.finish();
    zip.flush();
  }

  /** Whether a symlink leads to a regular file inside the workspace. */
  private static boolean fileInside(Path root, Path link) {
    try {
      Path real = link.toRealPath();
      return real.startsWith(root) && Files.isRegularFile(real);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A zip stream shows only local headers; the Unix mode that marks a symlink usually sits in the
   * central directory at the end. An entry marked in its local header (ASi extra field) is refused;
   * any other symlink entry arrives as a plain file holding the link's text, never as a link.
   */
  private static boolean isSymlink(ZipEntry entry) {
    byte[] extra = entry.getExtra();
    if (extra == null) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
    while (b.remaining() >= 4) {
      int id = Short.toUnsignedInt(b.getShort());
      int size = Short.toUnsignedInt(b.getShort());
      if (size > b.remaining()) {
        return false;
      }
      if (id == ASI_UNIX && size >= 6) {
        int mode = Short.toUnsignedInt(b.getShort(b.position() + 4));
        return (mode & S_IFMT) == S_IFLNK;
      }
      b.position(b.position() + size);
    }
    return false;
  }

  private static byte[] readAtMost(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    long left = limit;
    int n;
    while (left > 0 && (n = in.read(chunk, 0, (int) Math.min(chunk.length, left))) > 0) {
      buffer.write(chunk, 0, n);
      left -= n;
    }
    return buffer.toByteArray();
  }

  /** Reads and drops up to {@code limit} bytes of the current entry; answers how many. */
  private static long drain(InputStream in, long limit) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    long read = 0;
    int n;
    while (read < limit
        && (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - read))) > 0) {
      read += n;
    }
    return read;
  }

  private String totalTooLarge() {
    return "The archive unpacks to more than " + limits.importMaxBytes().asLongValue() + " bytes.";
  }

  private static Map<String, Object> refusedLine(String path, String error) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("path", path);
    line.put("ok", false);
    line.put("error", error);
    return line;
  }

  private void line(OutputStream out, Map<String, ?> value) throws IOException {
    out.write(json.writeValueAsBytes(value));
    out.write('\n');
    out.flush();
  }

  /** A problem for a body that is not a zip archive at all. */
  public static ProblemException notAZip() {
    return new ProblemException(
        400, "invalid-archive", "Bad Request", "The body is not a .zip archive.");
  }
}
