package dev.aicoder.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Text search across a workspace, written as it goes as NDJSON: one line per match, then one
 * summary line. Bounded in results and time; skips binary and large files, never follows symlinks.
 */
@ApplicationScoped
public class FileSearch {

  private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "node_modules");
  private static final long MAX_FILE = 1024 * 1024;
  private static final int MAX_LINE_SHOWN = 300;

  private final ObjectMapper json;
  private final GatewayConfig.Files limits;

  FileSearch(ObjectMapper json, GatewayConfig config) {
    this.json = json;
    this.limits = config.files();
  }

  /** Searches {@code folder} for {@code query} (case-insensitive) and streams to {@code out}. */
  public void search(Path root, Path folder, String query, int maxResults, OutputStream out)
      throws IOException {
    int limit = Math.min(Math.max(1, maxResults), limits.searchMaxResults());
    long deadline = System.nanoTime() + limits.searchTimeout().toNanos();
    String needle = query.toLowerCase(Locale.ROOT);
    int[] matches = {0};
    int[] files = {0};
    boolean[] stopped = {false, false}; // truncated, timed out
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return SKIPPED_FOLDERS.contains(String.valueOf(dir.getFileName()))
                    && !dir.equals(folder)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (System.nanoTime() > deadline) {
              stopped[1] = true;
              return FileVisitResult.TERMINATE;
            }
            if (!attrs.isRegularFile()
                || attrs.size() > MAX_FILE
                || file.getFileName().toString().startsWith(WorkspaceFiles.TEMP_PREFIX)) {
              return FileVisitResult.CONTINUE;
            }
            files[0]++;
            int lineNo = 0;
            var decoder =
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (BufferedReader reader =
                new BufferedReader(
                    new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
              String line;
              while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.indexOf('\0') >= 0) {
                  return FileVisitResult.CONTINUE; // binary
                }
                if (line.toLowerCase(Locale.ROOT).contains(needle)) {
                  Map<String, Object> match = new LinkedHashMap<>();
                  match.put("path", WorkspacePaths.relative(root, file));
                  match.put("line", lineNo);
                  match.put(
                      "text",
                      line.length() > MAX_LINE_SHOWN ? line.substring(0, MAX_LINE_SHOWN) : line);
                  writeLine(out, match);
                  if (++matches[0] >= limit) {
                    stopped[0] = true;
                    return FileVisitResult.TERMINATE;
                  }
                }
              }
            } catch (IOException e) {
              // unreadable (vanished, permissions): skip it, the search goes on
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("done", true);
    summary.put("matches", matches[0]);
    summary.put("filesSearched", files[0]);
    summary.put("truncated", stopped[0]);
    summary.put("timedOut", stopped[1]);
    writeLine(out, summary);
  }

  private void writeLine(OutputStream out, Map<String, Object> value) throws IOException {
    out.write(json.writeValueAsBytes(value));
    out.write('\n');
    out.flush();
  }
}
