package dev.aicoder.ai.service;

import dev.aicoder.ai.client.ContextFile;
import dev.aicoder.ai.client.WorkspaceFiles;
import dev.aicoder.ai.config.AiConfig;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.Limits;
import dev.aicoder.protocol.TurnRequest;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The workspace files attached to a prompt ({@code context}), read through the gateway as the user
 * who sent it and fitted into one budget ({@code AI_CODER_CONTEXT_BUDGET}): each file in a fenced
 * block under its path, in the order attached; the file that does not fit is cut with a note, and
 * every file that cannot be attached is named with the reason. A turn never fails for its context.
 */
@ApplicationScoped
class PromptContext {

  /** How long the files of one prompt may take; the rest are named as not attached. */
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private final WorkspaceFiles files;
  private final int budget;

  PromptContext(WorkspaceFiles files, AiConfig config) {
    this.files = files;
    this.budget = config.contextBudget();
  }

  /** The text to add to the user's message; empty when nothing is attached. */
  String render(TurnRequest request) {
    List<Frame.ContextRef> refs = refs(request.context());
    if (refs.isEmpty()) {
      return "";
    }
    StringBuilder attached = new StringBuilder();
    List<String> missing = new ArrayList<>();
    int left = budget;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (Frame.ContextRef ref : refs) {
      String path = ref.path();
      if (left <= 0) {
        missing.add(path + ": the attached files' budget of " + budget + " characters is used up");
        continue;
      }
      if (System.nanoTime() > deadline) {
        missing.add(path + ": the workspace did not answer in time");
        continue;
      }
      ContextFile file;
      try {
        file = files.read(ref.workspaceId(), path, request.userId(), left);
      } catch (RuntimeException e) {
        Log.infof("Turn %s: %s not attached (%s)", request.turnId(), path, e.toString());
        missing.add(path + ": " + reason(e));
        continue;
      }
      if (file == null || file.binary() || file.text() == null) {
        missing.add(path + ": a binary file");
        continue;
      }
      String text = file.text().length() > left ? file.text().substring(0, left) : file.text();
      boolean cut = file.truncated() || text.length() < file.text().length();
      left -= text.length();
      block(attached, path, text, cut);
    }
    StringBuilder out = new StringBuilder();
    if (!attached.isEmpty()) {
      out.append("\n\nAttached files:").append(attached);
    }
    if (!missing.isEmpty()) {
      out.append("\n\nNot attached:");
      missing.forEach(m -> out.append("\n- ").append(m));
    }
    return out.toString();
  }

  /** The entries that name a file, each once, at most as many as a prompt may attach. */
  private static List<Frame.ContextRef> refs(List<Frame.ContextRef> context) {
    if (context == null) {
      return List.of();
    }
    Set<Frame.ContextRef> distinct = new LinkedHashSet<>();
    for (Frame.ContextRef ref : context) {
      // A request may come from an older or buggy sender: an entry that names no file is skipped.
      if (ref != null
          && ref.path() != null
          && !ref.path().isBlank()
          && ref.workspaceId() != null
          && !ref.workspaceId().isBlank()
          && distinct.size() < Limits.MAX_CONTEXT_FILES) {
        distinct.add(ref);
      }
    }
    return List.copyOf(distinct);
  }

  private void block(StringBuilder out, String path, String text, boolean cut) {
    String fence = fence(text);
    out.append("\n\nFile `").append(path).append("`:\n").append(fence).append('\n').append(text);
    if (!text.endsWith("\n")) {
      out.append('\n');
    }
    out.append(fence);
    if (cut) {
      out.append("\n(")
          .append(path)
          .append(" is cut here: only its first ")
          .append(text.length())
          .append(" characters fit in the attached files' budget of ")
          .append(budget)
          .append(" characters.)");
    }
  }

  /** A fence longer than any run of backticks in the text, so the text cannot close it. */
  private static String fence(String text) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return "`".repeat(Math.max(3, longest + 1));
  }

  private static String reason(RuntimeException e) {
    if (e instanceof WebApplicationException web) {
      return switch (web.getResponse().getStatus()) {
        case 404 -> "not found, or not in a workspace you can open";
        case 400 -> "not a file that can be read (a folder, or a refused path)";
        case 401, 403 -> "the gateway refused this service's internal credential";
        case 503 -> "the gateway serves no files until AI_CODER_INTERNAL_TOKEN is set";
        default -> "the gateway answered " + web.getResponse().getStatus();
      };
    }
    return "the workspace could not be reached";
  }
}
