package dev.aicoder.protocol;

import java.util.regex.Pattern;

/** Checks of client-sent values that {@link Frame} validation shares. */
final class FieldChecks {

  /** The form of the gateway's team and workspace ids. */
  private static final Pattern WORKSPACE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private FieldChecks() {}

  static boolean isWorkspaceId(String id) {
    return WORKSPACE_ID.matcher(id).matches();
  }

  /**
   * Whether {@code path} could name a file inside a workspace: relative, '/'-separated, without
   * empty, '.' or '..' segments, backslashes or control characters, and not too long. The reader of
   * the file still resolves it safely (symlinks, encodings); this only refuses what never fits.
   */
  static boolean isRelativePath(String path) {
    if (path.isEmpty() || path.length() > Limits.MAX_PATH_CHARS || path.indexOf('\\') >= 0) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        return false;
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
