// The web app's own numbers, reported to the metrics service: Web Vitals, long tasks, render
// times and the JavaScript heap where the browser exposes it. Loaded with a dynamic import once
// the app is idle, so none of it weighs on the first load.
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";
import { getSession } from "../auth/session";
import { setRenderSink } from "./renderTime";
import { createReporter, SAMPLE_RATE, type Sample } from "./reporter";

let started = false;

function post(samples: Sample[]): void {
  const session = getSession();
  if (!session) return; // signed out: the report has no one to come from
  const page = location.hash === "#performance" ? "performance" : "ide";
  // keepalive lets the last report outlive the page; sendBeacon cannot carry the bearer header.
  void fetch("/api/performance/browser", {
    method: "POST",
    keepalive: true,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ page, samples }),
  }).catch(() => {});
}

/** Starts reporting for this page, in SAMPLE_RATE of sessions. */
export function startReporting(random: () => number = Math.random): void {
  if (started || random() >= SAMPLE_RATE) return;
  started = true;
  const reporter = createReporter({
    send: post,
    beforeSend(queue) {
      const memory = (performance as { memory?: { usedJSHeapSize: number } }).memory;
      if (memory) queue.add("heapUsed", memory.usedJSHeapSize);
    },
  });
  const vital = (metric: Metric) => reporter.add(metric.name, metric.value);
  onLCP(vital);
  onINP(vital);
  onCLS(vital);
  onFCP(vital);
  onTTFB(vital);
  if (PerformanceObserver.supportedEntryTypes?.includes("longtask")) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) reporter.add("longTask", entry.duration);
    }).observe({ type: "longtask", buffered: true });
  }
  setRenderSink((ms) => reporter.add("render", ms));
  // What is queued goes when the page is hidden (closed, switched away), within the interval.
  addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") reporter.flush();
  });
}
