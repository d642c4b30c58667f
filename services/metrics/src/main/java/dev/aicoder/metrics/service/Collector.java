package dev.aicoder.metrics.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.Snapshot;
import dev.aicoder.metrics.Snapshot.InstanceValues;
import dev.aicoder.metrics.Snapshot.ServiceValues;
import dev.aicoder.metrics.Snapshot.TargetStatus;
import dev.aicoder.metrics.alert.AlertEvaluator;
import dev.aicoder.metrics.alert.AlertLog;
import dev.aicoder.metrics.alert.AlertRule;
import dev.aicoder.metrics.config.MetricsConfig;
import dev.aicoder.metrics.history.LocalHistory;
import dev.aicoder.metrics.history.PrometheusSource;
import dev.aicoder.metrics.scrape.Scraper;
import dev.aicoder.metrics.scrape.Target;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scrape loop: every interval it scrapes every target, computes the figures, and (on the
 * replica holding the lease) appends them to the history and evaluates the alerts; then it
 * publishes the snapshot to the page's live push.
 */
@Startup
@ApplicationScoped
public class Collector {

  private static final long FORGET_AFTER_MS = 15 * 60_000;

  private final MetricsConfig config;
  private final List<Target> targets;
  private final Scraper scraper;
  private final Leader leader;
  private final LocalHistory history;
  private final AlertLog alertLog;
  private final BrowserVitals browser;
  private final Optional<PrometheusSource> prometheus;
  private final AlertEvaluator evaluator;
  private final ObjectMapper json;
  private final Map<String, FigureCalculator> calculators = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final BroadcastProcessor<String> live = BroadcastProcessor.create();
  private final List<Snapshot.ThresholdInfo> thresholds;
  private final Counter scrapesUp;
  private final Counter scrapesDown;
  private final Counter scrapeBytes;
  private volatile Snapshot latest;
  private volatile String latestJson;
  private boolean leading;
  private List<Alert> previousPrometheusAlerts = List.of();

  Collector(
      MetricsConfig config,
      MeterRegistry registry,
      Leader leader,
      LocalHistory history,
      AlertLog alertLog,
      BrowserVitals browser,
      ObjectMapper json) {
    this.config = config;
    this.targets = Target.parseAll(config.targets().orElse(""));
    this.scraper = new Scraper(config.scrapeTimeout(), FigureCalculator.NAMES);
    this.leader = leader;
    this.scrapesUp = registry.counter("aicoder.metrics.scrapes", "result", "up");
    this.scrapesDown = registry.counter("aicoder.metrics.scrapes", "result", "down");
    this.scrapeBytes = registry.counter("aicoder.metrics.scrape.bytes");
    this.history = history;
    this.alertLog = alertLog;
    this.browser = browser;
    this.json = json;
    this.prometheus =
        config
            .prometheusUrl()
            .filter(u -> !u.isBlank())
            .map(u -> new PrometheusSource(u, config.prometheusSelector().orElse(""), json));
    List<AlertRule> rules = AlertRule.from(config);
    this.evaluator =
        new AlertEvaluator(rules, config.alerts().hysteresis(), config.alerts().clearFor());
    this.thresholds = Catalog.thresholds(rules);
    Log.infof(
        "scraping %d targets every %s; history and alerts from %s",
        targets.size(),
        config.scrapeInterval(),
        prometheus.isPresent() ? "Prometheus at " + config.prometheusUrl().get() : "Redis");
  }

  public Optional<PrometheusSource> prometheus() {
    return prometheus;
  }

  /** The latest snapshot; before the first scrape, an empty one. */
  public Snapshot latest() {
    Snapshot s = latest;
    return s != null ? s : build(System.currentTimeMillis(), List.of(), List.of(), List.of());
  }

  /** The latest snapshot as JSON, then each new one. */
  public Multi<String> live() {
    String first = latestJson;
    Multi<String> next = live.onOverflow().drop();
    return first == null
        ? next
        : Multi.createBy().concatenating().streams(Multi.createFrom().item(first), next);
  }

  @Scheduled(
      every = "${aicoder.metrics.scrape-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    try {
      collect(System.currentTimeMillis());
    } catch (RuntimeException e) {
      Log.warnf("performance collection failed: %s", e.toString());
    }
  }

  /** One round: scrape, compute, record, publish. */
  void collect(long now) {
    List<Scraper.Result> results = scraper.scrape(targets);
    List<TargetStatus> statuses = new ArrayList<>();
    List<InstanceValues> instances = new ArrayList<>();
    for (Scraper.Result r : results) {
      String key = r.service() + "|" + r.instance();
      FigureCalculator calc = calculators.computeIfAbsent(key, k -> new FigureCalculator());
      Map<String, Double> values = new HashMap<>();
      (r.up() ? scrapesUp : scrapesDown).increment();
      scrapeBytes.increment(r.bytes());
      if (r.up()) {
        calc.add(now, r.samples()).forEach((f, v) -> values.put(f.id, v));
      } else {
        calc.reset();
      }
      lastSeen.put(key, now);
      statuses.add(
          new TargetStatus(
              r.service(), r.instance(), r.url(), r.up(), now, r.error(), r.millis(), r.bytes()));
      instances.add(new InstanceValues(r.service(), r.instance(), r.up(), complete(values)));
    }
    lastSeen
        .entrySet()
        .removeIf(
            e -> e.getValue() < now - FORGET_AFTER_MS && calculators.remove(e.getKey()) != null);
    List<Alert> alerts;
    try {
      boolean lead = leader.tryLead(3 * config.scrapeInterval().toMillis() + 1000);
      if (lead && !leading) {
        // Carry on from what the last leader saw: no alert is announced twice.
        previousPrometheusAlerts = alertLog.active();
        evaluator.restore(previousPrometheusAlerts);
        Log.info("this replica now records the performance history and evaluates alerts");
      }
      leading = lead;
      alerts = alerts(now, lead, instances);
    } catch (RuntimeException e) {
      // Without Redis the live figures go on; history, alerts and browser numbers wait for it.
      Log.warnf("performance history and alerts paused: %s", e.toString());
      leading = false;
      alerts = latest == null ? List.of() : latest.alerts();
    }
    Snapshot snapshot = build(now, statuses, instances, alerts);
    latest = snapshot;
    try {
      latestJson = json.writeValueAsString(snapshot);
      live.onNext(latestJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Alert> alerts(long now, boolean lead, List<InstanceValues> instances) {
    if (prometheus.isPresent()) {
      try {
        List<Alert> current = prometheus.get().alerts();
        if (lead) {
          alertLog.publish(changes(now, previousPrometheusAlerts, current));
          alertLog.saveActive(current);
        }
        previousPrometheusAlerts = current;
        return current;
      } catch (java.io.IOException e) {
        Log.warnf("Prometheus alerts unavailable: %s", e.getMessage());
        return previousPrometheusAlerts;
      }
    }
    if (lead) {
      history.append(now, instances);
      List<Alert> events = evaluator.evaluate(now, instances);
      alertLog.publish(events);
      List<Alert> active = evaluator.active();
      alertLog.saveActive(active);
      for (Alert e : events) {
        Log.infof("alert %s %s (%s, value %s)", e.id(), e.state(), e.severity(), e.value());
      }
      return active;
    }
    return alertLog.active();
  }

  /** What changed between two lists of Prometheus's alerts, as history events. */
  static List<Alert> changes(long now, List<Alert> before, List<Alert> after) {
    Map<String, Alert> old = new TreeMap<>();
    before.forEach(a -> old.put(a.id(), a));
    List<Alert> events = new ArrayList<>();
    for (Alert a : after) {
      Alert was = old.remove(a.id());
      if (was == null || !was.state().equals(a.state())) {
        events.add(a.withState(a.state(), now, a.value()));
      }
    }
    old.values().forEach(a -> events.add(a.withState("resolved", now, a.value())));
    return events;
  }

  /** Every figure present, null where there is no value, so the page can tell "none" from 0. */
  private static Map<String, Double> complete(Map<String, Double> values) {
    Map<String, Double> all = new LinkedHashMap<>();
    for (Figure f : Figure.values()) {
      all.put(f.id, values.get(f.id));
    }
    return all;
  }

  private Snapshot build(
      long now, List<TargetStatus> statuses, List<InstanceValues> instances, List<Alert> alerts) {
    return new Snapshot(
        prometheus.isPresent() ? "prometheus" : "local",
        now,
        config.scrapeInterval().toSeconds(),
        Catalog.FIGURES,
        Catalog.GROUPS,
        thresholds,
        statuses,
        instances,
        services(instances),
        browserSummary(),
        alerts);
  }

  private Snapshot.BrowserFigures browserSummary() {
    try {
      return browser.summary();
    } catch (RuntimeException e) {
      return latest == null ? new Snapshot.BrowserFigures(0, Map.of()) : latest.browser();
    }
  }

  static List<ServiceValues> services(List<InstanceValues> instances) {
    Map<String, List<InstanceValues>> byService = new LinkedHashMap<>();
    instances.forEach(i -> byService.computeIfAbsent(i.service(), s -> new ArrayList<>()).add(i));
    List<ServiceValues> services = new ArrayList<>();
    byService.forEach(
        (service, list) -> {
          Map<String, Double> values = new LinkedHashMap<>();
          for (Figure f : Figure.values()) {
            Double agg = null;
            for (InstanceValues i : list) {
              Double v = i.values().get(f.id);
              if (v != null) {
                agg =
                    agg == null
                        ? v
                        : switch (f.aggregate) {
                          case SUM -> agg + v;
                          case MAX -> Math.max(agg, v);
                          case MIN -> Math.min(agg, v);
                        };
              }
            }
            values.put(f.id, agg);
          }
          int up = (int) list.stream().filter(InstanceValues::up).count();
          services.add(new ServiceValues(service, list.size(), up, values));
        });
    return services;
  }
}
