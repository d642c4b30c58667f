package dev.aicoder.gateway.service;

import dev.aicoder.common.ProblemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * Turns a client's relative path into a path inside one workspace, or refuses it. Refused: empty
 * segments, {@code .} and {@code ..}, absolute and drive paths, backslashes, NUL and control or
 * invisible formatting characters, percent-encoded dots, slashes, backslashes, NUL and overlong
 * UTF-8 (a second decoding somewhere must not change the meaning), over-long names, and anything
 * that a symlink would take outside the workspace.
 */
public final class WorkspacePaths {

  public static final int MAX_PATH = 4096;
  public static final int MAX_NAME_BYTES = 255;

  private static final Pattern ENCODED_TRICK =
      Pattern.compile("%(2e|2f|5c|00|25|c0|c1|e0%80|f0%80)", Pattern.CASE_INSENSITIVE);
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private WorkspacePaths() {}

  /** The normalized relative form of {@code raw} ({@code ""} for the workspace root). */
  public static String clean(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    if (raw.length() > MAX_PATH) {
      throw refused("The path is longer than " + MAX_PATH + " characters.");
    }
    if (raw.startsWith("/") || DRIVE.matcher(raw).matches()) {
      throw refused("Paths are relative to the workspace; absolute paths are refused.");
    }
    if (raw.indexOf('\\') >= 0) {
      throw refused("Use '/' between folders; backslashes are refused.");
    }
    if (ENCODED_TRICK.matcher(raw).find()) {
      throw refused("Percent-encoded dots, slashes, NUL or overlong sequences are refused.");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\uFFFD') {
        throw refused("The path holds a control, invisible or malformed character.");
      }
    }
    String path = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw refused("Empty, '.' and '..' path segments are refused.");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw refused("A name is longer than " + MAX_NAME_BYTES + " bytes.");
      }
    }
    return path;
  }

  /**
   * The file system path of {@code raw} inside {@code root} (which must be a real path). The target
   * need not exist, but its nearest existing ancestor must, and neither it nor that ancestor may
   * lead outside the root through a symlink.
   */
  public static Path resolve(Path root, String raw) {
    String clean = clean(raw);
    Path target = clean.isEmpty() ? root : root.resolve(clean).normalize();
    if (!target.startsWith(root)) {
      throw refused("The path leads outside the workspace.");
    }
    if (noSymlinkBelow(root, target)) {
      return target; // the common case, settled with one lstat per name below the root
    }
    try {
      Path existing = target;
      while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
        throw refused("The path is a symlink to nothing; it is refused.");
      }
      if (!existing.toRealPath().startsWith(root)) {
        throw refused("The path leads outside the workspace through a symlink.");
      }
    } catch (IOException e) {
      throw refused("The path cannot be resolved: " + e.getClass().getSimpleName());
    }
    return target;
  }

  /**
   * Whether every name from the root down to {@code target} exists and none is a symlink: then the
   * target is inside the (real) root without resolving links. False sends the caller to the full
   * checks, which allow symlinks that stay inside.
   */
  private static boolean noSymlinkBelow(Path root, Path target) {
    Path current = root;
    for (Path name : root.relativize(target)) {
      current = current.resolve(name);
      try {
        if (Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isSymbolicLink()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** The path relative to the workspace root, with '/' separators. */
  public static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  static ProblemException refused(String detail) {
    return new ProblemException(400, "invalid-path", "Invalid Path", detail);
  }
}
