package dev.aicoder.chaos;

import dev.aicoder.fakellm.FakeLlm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checker: for every turn and every viewer of its conversation, what the viewer finally showed
 * against what the model sent ({@link FakeLlm#token}: {@code t0 t1 …}, all of them for a finished
 * answer, a gap-free prefix for one that ended in an error), summed per fault.
 */
final class Report {

  private static final Pattern TOKEN = Pattern.compile("t(\\d+) ");
  private static final int MAX_PROBLEMS = 40;

  /** One line of the table: the turns prompted while a fault was the latest injected. */
  static final class Row {
    String fault;
    Double at;
    int turns;
    int completed;
    long lost;
    long duplicated;
    long reordered;
    int silent;
    int diverged;
    int errors;
    final Map<String, Integer> codes = new TreeMap<>();
    int restarts;
    int gapResumes;
    Double recover;
    Double settled;
    boolean settledNever;
  }

  final List<Row> rows = new ArrayList<>();
  final Row total = new Row();
  final List<String> problems = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  private int problemCount;

  boolean ok() {
    return total.lost == 0
        && total.duplicated == 0
        && total.reordered == 0
        && total.silent == 0
        && total.diverged == 0;
  }

  /** Shown text against the model's tokens: {@code expected} of them, or any prefix when -1. */
  record TextCheck(long lost, long duplicated, long reordered, boolean foreign) {
    static TextCheck of(String shown, int expected) {
      List<Integer> indices = new ArrayList<>();
      boolean foreign = false;
      Matcher m = TOKEN.matcher(shown);
      int pos = 0;
      while (pos < shown.length()) {
        m.region(pos, shown.length());
        if (!m.lookingAt()) {
          foreign = true;
          break;
        }
        indices.add(Integer.parseInt(m.group(1)));
        pos = m.end();
      }
      int n = expected;
      if (n < 0) {
        n = indices.stream().mapToInt(i -> i + 1).max().orElse(0);
      }
      Set<Integer> seen = new HashSet<>();
      long duplicated = 0;
      long reordered = 0;
      for (int j = 0; j < indices.size(); j++) {
        int i = indices.get(j);
        if (!seen.add(i) || i >= n) {
          duplicated++;
        }
        if (j > 0 && i < indices.get(j - 1)) {
          reordered++;
        }
      }
      long lost = 0;
      for (int i = 0; i < n; i++) {
        if (!seen.contains(i)) {
          lost++;
        }
      }
      return new TextCheck(lost, duplicated, reordered, foreign);
    }
  }

  static Report of(Chaos chaos) {
    Report report = new Report();
    List<Fault> faults = chaos.faults();
    for (int p = -1; p < faults.size(); p++) {
      Row row = new Row();
      row.fault = p < 0 ? "none (before the first fault)" : faults.get(p).name();
      Long at = p < 0 ? null : chaos.injectedAt(p);
      row.at = at == null ? null : Chaos.seconds(at - chaos.t0());
      report.rows.add(row);
      if (p >= 0) {
        report.notes.add(faults.get(p).name() + ": " + chaos.note(p));
      }
    }
    report.total.fault = "all";
    for (TurnRecord t : chaos.turns()) {
      report.check(t, report.rows.get(t.phase + 1));
    }
    for (int p = 0; p < faults.size(); p++) {
      report.timings(chaos, p, faults.get(p), report.rows.get(p + 1));
    }
    for (Row row : report.rows) {
      report.total.turns += row.turns;
      report.total.completed += row.completed;
      report.total.lost += row.lost;
      report.total.duplicated += row.duplicated;
      report.total.reordered += row.reordered;
      report.total.silent += row.silent;
      report.total.diverged += row.diverged;
      report.total.errors += row.errors;
      row.codes.forEach((code, n) -> report.total.codes.merge(code, n, Integer::sum));
      report.total.restarts += row.restarts;
      report.total.gapResumes += row.gapResumes;
    }
    for (Chaos.Conversation c : chaos.conversations()) {
      for (Viewer v : c.viewers()) {
        if (!v.frameErrors().isEmpty()) {
          report.notes.add(v.name + " got frame errors " + v.frameErrors());
        }
      }
    }
    return report;
  }

  private void check(TurnRecord t, Row row) {
    row.turns++;
    String id = t.turnId;
    String where = "turn " + t.index + " (" + t.kind + ", prompted by " + t.prompter;
    if (id == null) {
      row.silent++;
      problem(where + "): never accepted");
      return;
    }
    where += ", " + id + ")";
    if (!t.otherTurnIds.isEmpty()) {
      row.duplicated += t.tokens;
      problem(where + ": the same prompt also became " + t.otherTurnIds);
    }
    Set<String> finals = new HashSet<>();
    boolean allDone = true;
    boolean silent = false;
    Set<String> codes = new HashSet<>();
    for (Viewer v : t.conversation.viewers()) {
      Viewer.TurnView view = v.view(id);
      if (view == null || view.status == null) {
        silent = true;
        allDone = false;
        problem(
            where
                + ": "
                + v.name
                + " saw no final event"
                + (view == null
                    ? " (heard nothing of it)"
                    : " (last seq " + view.lastSeq + ", " + view.text.length() + " chars shown)"));
        continue;
      }
      row.restarts += view.restarts;
      row.gapResumes += view.gaps;
      finals.add(view.status + (view.errorCode == null ? "" : " " + view.errorCode));
      if (!view.status.equals("done")) {
        allDone = false;
      }
      if (view.errorCode != null) {
        codes.add(view.errorCode);
      } else if (view.status.equals("cancelled")) {
        codes.add("cancelled");
      }
      TextCheck c = TextCheck.of(view.text.toString(), view.status.equals("done") ? t.tokens : -1);
      long lost = c.lost() + (c.foreign() ? 1 : 0);
      row.lost += lost;
      row.duplicated += c.duplicated();
      row.reordered += c.reordered();
      if (lost + c.duplicated() + c.reordered() > 0) {
        problem(
            String.format(
                Locale.ROOT,
                "%s: %s showed (%s) %s; expected %s; lost %d, duplicated %d, reordered %d",
                where,
                v.name,
                view.status,
                abbreviate(view.text.toString()),
                view.status.equals("done")
                    ? abbreviate(FakeLlm.expectedText(t.tokens))
                    : "a prefix of it",
                lost,
                c.duplicated(),
                c.reordered()));
      }
      if (view.eventsAfterFinal > 0) {
        notes.add(
            where + ": " + v.name + " got " + view.eventsAfterFinal + " events after a final");
      }
    }
    if (silent) {
      row.silent++;
    }
    if (finals.size() > 1) {
      row.diverged++;
      problem(where + ": the viewers disagree on how it ended: " + finals);
    }
    if (allDone) {
      row.completed++;
    }
    if (!codes.isEmpty()) {
      row.errors++;
      codes.forEach(code -> row.codes.merge(code, 1, Integer::sum));
    }
  }

  /**
   * Recovery: from the injection to the first turn prompted after it that ended {@code done} at
   * every viewer. Settled: until the last turn the fault touched ended at every viewer: those in
   * flight at the injection; for a drop, those alive while the clients were away; for a model
   * fault, those carrying it.
   */
  private void timings(Chaos chaos, int p, Fault fault, Row row) {
    Long injected = chaos.injectedAt(p);
    if (injected == null) {
      return;
    }
    Long ended = chaos.endedAt(p);
    boolean drop = fault.kind() == Fault.Kind.DROP;
    long end = drop && ended != null ? ended : injected;
    boolean model = fault.kind().name().startsWith("MODEL_");
    Long firstDone = null;
    long lastEnd = injected;
    boolean never = false;
    for (TurnRecord t : chaos.turns()) {
      Long finished = lastFinal(t);
      if (t.promptedAt >= injected && finished != null && allDone(t)) {
        firstDone = firstDone == null ? finished : Math.min(firstDone, finished);
      }
      boolean affected =
          model
              ? t.modelFault == p
              : t.promptedAt <= end && (finished == null || finished >= injected);
      if (affected) {
        if (finished == null) {
          never = true;
        } else {
          lastEnd = Math.max(lastEnd, finished);
        }
      }
    }
    row.recover = firstDone == null ? null : Chaos.seconds(firstDone - injected);
    row.settled = Chaos.seconds(lastEnd - injected);
    row.settledNever = never;
  }

  private static Long lastFinal(TurnRecord t) {
    if (t.turnId == null) {
      return null;
    }
    long last = 0;
    for (Viewer v : t.conversation.viewers()) {
      Viewer.TurnView view = v.view(t.turnId);
      if (view == null || view.status == null) {
        return null;
      }
      last = Math.max(last, view.finalAt);
    }
    return last;
  }

  private static boolean allDone(TurnRecord t) {
    for (Viewer v : t.conversation.viewers()) {
      Viewer.TurnView view = v.view(t.turnId);
      if (view == null || !"done".equals(view.status)) {
        return false;
      }
    }
    return true;
  }

  private void problem(String text) {
    if (problemCount++ < MAX_PROBLEMS) {
      problems.add(text);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60
        ? '"' + text + '"'
        : '"' + text.substring(0, 28) + "…" + text.substring(text.length() - 28) + '"';
  }

  /** The table, as Markdown, then what each fault did and every problem found. */
  String table() {
    StringBuilder b = new StringBuilder();
    b.append(
        "| fault | at s | turns | completed | lost | dup | reordered | silent | diverged |"
            + " explicit errors (codes) | recover s | settled s |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
    for (Row row : rows) {
      line(b, row);
    }
    line(b, total);
    b.append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "restart events applied: %d; seq gaps resumed: %d%n",
            total.restarts,
            total.gapResumes));
    for (String note : notes) {
      b.append("- ").append(note).append('\n');
    }
    if (problemCount > 0) {
      b.append('\n').append(problemCount).append(" problem(s):\n");
      for (String p : problems) {
        b.append("  ").append(p).append('\n');
      }
      if (problemCount > problems.size()) {
        b.append("  … and ").append(problemCount - problems.size()).append(" more\n");
      }
    }
    b.append(
        ok()
            ? "\nRESULT: PASS (0 lost, 0 duplicated, 0 reordered, 0 silent)\n"
            : "\nRESULT: FAIL\n");
    return b.toString();
  }

  private static void line(StringBuilder b, Row r) {
    StringBuilder codes = new StringBuilder();
    r.codes.forEach(
        (code, n) ->
            codes.append(codes.length() == 0 ? "" : ", ").append(code).append(" ×").append(n));
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d%s | %s | %s |%n",
            r.fault,
            r.at == null ? "" : String.format(Locale.ROOT, "%.0f", r.at),
            r.turns,
            r.completed,
            r.lost,
            r.duplicated,
            r.reordered,
            r.silent,
            r.diverged,
            r.errors,
            codes.length() == 0 ? "" : " (" + codes + ")",
            r.recover == null
                ? (r.at == null ? "" : "never")
                : String.format(Locale.ROOT, "%.1f", r.recover),
            r.settled == null
                ? ""
                : r.settledNever ? "never" : String.format(Locale.ROOT, "%.1f", r.settled)));
  }
}
