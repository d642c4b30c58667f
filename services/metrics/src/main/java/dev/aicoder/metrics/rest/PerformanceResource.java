package dev.aicoder.metrics.rest;

import dev.aicoder.common.InternalOnly;
import dev.aicoder.common.ProblemException;
import dev.aicoder.metrics.Alert;
import dev.aicoder.metrics.Figure;
import dev.aicoder.metrics.Snapshot;
import dev.aicoder.metrics.alert.AlertLog;
import dev.aicoder.metrics.config.MetricsConfig;
import dev.aicoder.metrics.history.HistoryResult;
import dev.aicoder.metrics.history.LocalHistory;
import dev.aicoder.metrics.service.BrowserVitals;
import dev.aicoder.metrics.service.Collector;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The in-app performance view: current figures, history, alerts, live push, browser reports. */
@InternalOnly
@Path("/api/performance")
@Produces(MediaType.APPLICATION_JSON)
public class PerformanceResource {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");
  private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9.:/\\[\\]_-]{1,200}");
  private static final long MAX_RANGE_MS = Duration.ofHours(24).toMillis();
  private static final int MAX_POINTS = 2_000;

  private final Collector collector;
  private final LocalHistory history;
  private final AlertLog alerts;
  private final BrowserVitals browser;
  private final MetricsConfig config;

  PerformanceResource(
      Collector collector,
      LocalHistory history,
      AlertLog alerts,
      BrowserVitals browser,
      MetricsConfig config) {
    this.collector = collector;
    this.history = history;
    this.alerts = alerts;
    this.browser = browser;
    this.config = config;
  }

  @GET
  public Snapshot performance() {
    return collector.latest();
  }

  /** A figure's history with its trends; range and step are durations such as 90s, 15m, 1h. */
  @GET
  @Path("history")
  @Blocking
  public HistoryResult history(
      @QueryParam("figure") String figureId,
      @QueryParam("service") String service,
      @QueryParam("instance") String instance,
      @QueryParam("range") String range,
      @QueryParam("step") String step) {
    Figure figure = figureId == null ? null : Figure.byId(figureId);
    if (figure == null) {
      throw bad("bad-figure", "Unknown figure", "figure must be one of the snapshot's figures.");
    }
    long rangeMs = range == null ? Duration.ofHours(1).toMillis() : millis(range, "range");
    if (rangeMs <= 0 || rangeMs > MAX_RANGE_MS) {
      throw bad("bad-range", "Bad range", "range is a duration up to 24h, such as 15m or 6h.");
    }
    long minStep = config.scrapeInterval().toMillis();
    long stepMs = step == null ? Math.max(minStep, rangeMs / 240) : millis(step, "step");
    if (stepMs < minStep || rangeMs / stepMs > MAX_POINTS) {
      throw bad(
          "bad-step",
          "Bad step",
          "step is at least the scrape interval ("
              + minStep / 1000
              + "s) and gives at most "
              + MAX_POINTS
              + " points.");
    }
    long to = System.currentTimeMillis() / stepMs * stepMs;
    long from = to - rangeMs;
    String svc = service == null || service.isBlank() ? null : service;
    String inst = instance == null || instance.isBlank() ? null : instance;
    if (svc != null && !SERVICE.matcher(svc).matches()
        || inst != null && !INSTANCE.matcher(inst).matches()) {
      throw bad(
          "bad-target",
          "Bad service or instance",
          "service is a service's name, instance its host:port, as the snapshot lists them.");
    }
    if (collector.prometheus().isPresent()) {
      try {
        return collector.prometheus().get().history(figure, svc, inst, from, to, stepMs);
      } catch (IOException e) {
        throw new ProblemException(
            502, "prometheus-unavailable", "Prometheus did not answer", e.getMessage());
      }
    }
    return history.query(figure, svc, inst, from, to, stepMs);
  }

  /** The active alerts and the newest state changes. */
  @GET
  @Path("alerts")
  @Blocking
  public Map<String, Object> alerts(@QueryParam("limit") Integer limit) {
    int n = limit == null ? 50 : limit;
    if (n < 1 || n > 1000) {
      throw bad("bad-limit", "Bad limit", "limit is 1 to 1000.");
    }
    List<Alert> active = collector.latest().alerts();
    return Map.of(
        "source",
        collector.prometheus().isPresent() ? "prometheus" : "local",
        "active",
        active,
        "history",
        alerts.history(n));
  }

  /** Server-Sent Events: the snapshot now and after every scrape, with a ping when idle. */
  @GET
  @Path("live")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> live(@Context Sse sse) {
    Multi<OutboundSseEvent> snapshots =
        collector.live().map(json -> sse.newEventBuilder().name("snapshot").data(json).build());
    Multi<OutboundSseEvent> pings =
        Multi.createFrom()
            .ticks()
            .every(Duration.ofSeconds(15))
            .map(t -> sse.newEventBuilder().comment("ping").build());
    return Multi.createBy().merging().streams(snapshots, pings);
  }

  /** A report of the web app's own numbers. */
  @RegisterForReflection
  public record BrowserReport(String page, List<BrowserVitals.Sample> samples) {}

  @POST
  @Path("browser")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  public Response browser(BrowserReport report) {
    if (report == null || report.samples() == null || report.samples().isEmpty()) {
      throw bad(
          "bad-report", "Bad report", "Send {\"page\", \"samples\": [{\"name\", \"value\"}]}.");
    }
    if (report.samples().size() > 32) {
      throw bad("bad-report", "Bad report", "A report carries at most 32 samples.");
    }
    for (BrowserVitals.Sample s : report.samples()) {
      Double max = s == null ? null : BrowserVitals.NAMES.get(s.name());
      if (max == null || !(s.value() >= 0 && s.value() <= max)) {
        throw bad(
            "bad-report",
            "Bad report",
            "A sample is one of " + BrowserVitals.NAMES.keySet() + " with a plausible value.");
      }
    }
    if (!browser.admit(System.currentTimeMillis())) {
      throw new ProblemException(
              429,
              "too-many-reports",
              "Too many reports",
              "The reports' budget for this minute is spent.")
          .with("retryAfter", 60);
    }
    browser.record(report.samples());
    return Response.accepted().build();
  }

  static long millis(String text, String what) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw bad(
          "bad-" + what, "Bad " + what, what + " is a number and a unit: s, m, h or d (e.g. 15m).");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n * 1000;
      case "m" -> n * 60_000;
      case "h" -> n * 3_600_000;
      default -> n * 86_400_000;
    };
  }

  private static ProblemException bad(String slug, String title, String detail) {
    return new ProblemException(400, slug, title, detail);
  }
}
