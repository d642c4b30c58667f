import { act, Profiler } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PerfContext } from "./context";
import PerformancePage, { ValueCell } from "./PerformancePage";
import { applySnapshot, createPerfStore } from "./perfStore";
import type { Snapshot } from "./types";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function snapshot(at: number, gatewayCpu: number | null, rps: number): Snapshot {
  return {
    mode: "local",
    at,
    intervalSeconds: 1,
    figures: {
      cpu: { label: "Process CPU", unit: "ratio", group: "cpu" },
      rps: { label: "Requests", unit: "perSecond", group: "http" },
    },
    groups: [
      { id: "cpu", title: "CPU and load", figures: ["cpu"] },
      { id: "http", title: "Requests and response times", figures: ["rps"] },
    ],
    thresholds: [],
    targets: [
      {
        service: "gateway",
        instance: "g1",
        url: "http://g1/q/metrics",
        up: true,
        lastScrapeAt: at,
        lastError: null,
        scrapeMillis: 2,
        bytes: 4000,
      },
      {
        service: "ghost",
        instance: "127.0.0.1:1",
        url: "http://127.0.0.1:1/q/metrics",
        up: false,
        lastScrapeAt: at,
        lastError: "Connection refused",
        scrapeMillis: null,
        bytes: null,
      },
    ],
    instances: [
      { service: "gateway", instance: "g1", up: true, values: { cpu: gatewayCpu, rps } },
      { service: "ghost", instance: "127.0.0.1:1", up: false, values: { cpu: null, rps: null } },
    ],
    services: [
      { service: "gateway", instances: 1, up: 1, values: { cpu: gatewayCpu, rps } },
      { service: "ghost", instances: 1, up: 0, values: { cpu: null, rps: null } },
    ],
    browser: { reports: 2, values: { LCP: { p75: 812, count: 2 } } },
    alerts: [
      {
        id: "cpu:gateway:g1",
        rule: "AiCoderCpuHigh",
        severity: "warning",
        state: "firing",
        service: "gateway",
        instance: "g1",
        figure: "cpu",
        value: 0.93,
        threshold: 0.7,
        since: at,
        summary: "gateway uses more than 70 % of its CPU",
      },
    ],
  };
}

async function until(check: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
}

describe("a value cell", () => {
  it("re-renders only when its own number changes", () => {
    const store = createPerfStore();
    store.set((s) => applySnapshot(s, snapshot(1, 0.5, 1)));
    const host = document.createElement("div");
    const root = createRoot(host);
    let renders = 0;
    act(() =>
      root.render(
        <PerfContext.Provider value={store}>
          <table>
            <tbody>
              <tr>
                <Profiler id="cell" onRender={() => renders++}>
                  <ValueCell figure="cpu" service="gateway" instance={null} unit="ratio" />
                </Profiler>
              </tr>
            </tbody>
          </table>
        </PerfContext.Provider>,
      ),
    );
    const cell = () => host.querySelector('[data-testid="perf-value"]')!;
    expect(cell().textContent).toContain("50 %");
    const before = renders;
    act(() => store.set((s) => applySnapshot(s, snapshot(2, 0.5, 7)))); // another figure moved
    expect(renders).toBe(before);
    act(() => store.set((s) => applySnapshot(s, snapshot(3, 0.25, 7))));
    expect(renders).toBe(before + 1);
    expect(cell().textContent).toContain("25 %");
    act(() => root.unmount());
  });
});

describe("the performance page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows live values, the dead target with its error, the firing alert and the browser's numbers", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const data = JSON.stringify(snapshot(1000, 0.42, 3));
        controller.enqueue(new TextEncoder().encode(`event: snapshot\ndata: ${data}\n\n`));
      },
    });
    const fetch = vi.fn(async (url: string, _init?: RequestInit) => {
      if (url === "/api/performance/live") return new Response(body);
      if (url.startsWith("/api/performance/alerts")) {
        return new Response(JSON.stringify({ source: "local", active: [], history: [] }));
      }
      return new Response(JSON.stringify({ status: 404 }), { status: 404 });
    });
    vi.stubGlobal("fetch", fetch);
    const host = document.createElement("div");
    const root = createRoot(host);
    await act(async () => root.render(<PerformancePage />));
    await until(() => host.querySelector('[data-testid="perf-target"]') !== null);

    const value = host.querySelector(
      '[data-testid="perf-value"][data-figure="cpu"][data-service="gateway"]',
    );
    expect(value?.textContent).toContain("42 %");
    const dead = host.querySelector('[data-testid="perf-target"][data-up="false"]');
    expect(dead?.textContent).toContain("dead");
    expect(dead?.textContent).toContain("Connection refused");
    const alert = host.querySelector('[data-testid="perf-alert"][data-state="firing"]');
    expect(alert?.getAttribute("data-severity")).toBe("warning");
    expect(alert?.textContent).toContain("93 % vs 70 %");
    expect(
      host.querySelector('[data-testid="perf-value"][data-service="browser"][data-figure="LCP"]')
        ?.textContent,
    ).toBe("812 ms");
    expect(host.querySelectorAll('[data-testid="perf-chart"]')).toHaveLength(2);
    const init = fetch.mock.calls.find(([u]) => u === "/api/performance/live")![1] as RequestInit;
    expect((init.headers as Record<string, string>).Accept).toBe("text/event-stream");
    act(() => root.unmount());
  });
});
