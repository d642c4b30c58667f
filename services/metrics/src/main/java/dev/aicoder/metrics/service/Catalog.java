package dev.aicoder.metrics.service;

import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.Snapshot.FigureInfo;
import dev.aicoder.metrics.Snapshot.GroupInfo;
import dev.aicoder.metrics.Snapshot.ThresholdInfo;
import dev.aicoder.metrics.alert.AlertRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every snapshot says about its figures: labels, units, groups and thresholds. */
final class Catalog {

  static final Map<String, FigureInfo> FIGURES = figures();
  static final List<GroupInfo> GROUPS = groups();

  private Catalog() {}

  private static Map<String, FigureInfo> figures() {
    Map<String, FigureInfo> figures = new LinkedHashMap<>();
    for (Figure f : Figure.values()) {
      figures.put(f.id, new FigureInfo(f.label, f.unit.id(), f.group.id));
    }
    return java.util.Collections.unmodifiableMap(figures);
  }

  private static List<GroupInfo> groups() {
    List<GroupInfo> groups = new ArrayList<>();
    for (Figure.Group g : Figure.Group.values()) {
      List<String> ids = new ArrayList<>();
      for (Figure f : Figure.values()) {
        if (f.group == g) {
          ids.add(f.id);
        }
      }
      groups.add(new GroupInfo(g.id, g.title, List.copyOf(ids)));
    }
    return List.copyOf(groups);
  }

  /** Each figure's warning and critical levels, from its two rules. */
  static List<ThresholdInfo> thresholds(List<AlertRule> rules) {
    List<ThresholdInfo> thresholds = new ArrayList<>();
    for (AlertRule warning : rules) {
      if ("warning".equals(warning.severity())) {
        double critical =
            rules.stream()
                .filter(c -> c.figure() == warning.figure() && "critical".equals(c.severity()))
                .findFirst()
                .orElseThrow()
                .threshold();
        thresholds.add(
            new ThresholdInfo(
                warning.figure().id,
                warning.above() ? "above" : "below",
                warning.threshold(),
                critical));
      }
    }
    return List.copyOf(thresholds);
  }
}
