package dev.aicoder.metrics.alert;

import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.Snapshot.InstanceValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local alert lifecycle, as Prometheus runs it plus hysteresis: a breached threshold makes an
 * alert pending, one that stays breached for the rule's duration fires, and a firing alert resolves
 * only after its figure has been clear of the threshold by the hysteresis margin for {@code
 * clearFor}. Between the threshold and that margin nothing changes, so a figure hovering at the
 * line neither fires and resolves in turn nor restarts its pending time. A missing value (a dead
 * target) changes nothing either. Not thread-safe: the collector calls it from one thread.
 */
public final class AlertEvaluator {

  private final List<AlertRule> rules;
  private final double hysteresis;
  private final long clearForMs;
  private final Map<String, Alert> active = new LinkedHashMap<>();
  private final Map<String, Long> clearSince = new LinkedHashMap<>();

  public AlertEvaluator(List<AlertRule> rules, double hysteresis, Duration clearFor) {
    this.rules = rules;
    this.hysteresis = hysteresis;
    this.clearForMs = clearFor.toMillis();
  }

  /** Takes over the alerts another evaluator left (a restart or a new leader). */
  public void restore(List<Alert> alerts) {
    active.clear();
    clearSince.clear();
    alerts.forEach(a -> active.put(a.id(), a));
  }

  /** Evaluates every rule on every instance; returns the state changes, oldest first. */
  public List<Alert> evaluate(long now, List<InstanceValues> instances) {
    List<Alert> events = new ArrayList<>();
    for (InstanceValues instance : instances) {
      for (AlertRule rule : rules) {
        Double value = instance.values().get(rule.figure().id);
        if (value != null) {
          step(now, rule, instance, value, events);
        }
      }
    }
    return events;
  }

  /** The pending and firing alerts, critical first. */
  public List<Alert> active() {
    List<Alert> list = new ArrayList<>(active.values());
    list.sort(
        Comparator.comparing((Alert a) -> !"critical".equals(a.severity()))
            .thenComparing(Alert::since));
    return list;
  }

  private void step(
      long now, AlertRule rule, InstanceValues instance, double value, List<Alert> events) {
    String id =
        rule.name() + ":" + rule.severity() + ":" + instance.service() + ":" + instance.instance();
    Alert alert = active.get(id);
    if (alert == null) {
      if (rule.breached(value)) {
        alert =
            new Alert(
                id,
                rule.name(),
                rule.severity(),
                "pending",
                instance.service(),
                instance.instance(),
                rule.figure().id,
                value,
                rule.threshold(),
                now,
                now,
                rule.summary(instance.service()));
        active.put(id, alert);
        events.add(alert);
        fireIfDue(now, rule, alert, value, events);
      }
      return;
    }
    boolean clear = rule.clear(value, hysteresis);
    if ("pending".equals(alert.state())) {
      if (clear) {
        active.remove(id); // it never fired: nothing to resolve
        events.add(alert.withState("resolved", now, value));
      } else {
        fireIfDue(now, rule, alert, value, events);
      }
      return;
    }
    if (!clear) {
      clearSince.remove(id);
      active.put(id, alert.withState("firing", alert.at(), value));
      return;
    }
    long since = clearSince.computeIfAbsent(id, k -> now);
    if (now - since >= clearForMs) {
      active.remove(id);
      clearSince.remove(id);
      events.add(alert.withState("resolved", now, value));
    }
  }

  private void fireIfDue(long now, AlertRule rule, Alert alert, double value, List<Alert> events) {
    if (now - alert.since() >= rule.forDuration().toMillis()) {
      Alert firing = alert.withState("firing", now, value);
      active.put(alert.id(), firing);
      events.add(firing);
    } else {
      active.put(alert.id(), alert.withState("pending", alert.at(), value));
    }
  }
}
