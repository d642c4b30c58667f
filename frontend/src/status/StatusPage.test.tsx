import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StatusPage } from "./StatusPage";
import { summary, type StatusReport } from "./status";

const report: StatusReport = {
  status: "DEGRADED",
  checkedAt: "2026-11-29T10:00:00Z",
  services: [
    { name: "gateway", status: "UP", version: "0.1.0", responseTimeMs: 2 },
    { name: "cache", status: "DOWN", responseTimeMs: 1000, detail: "no answer within 1000 ms" },
  ],
  redis: { name: "redis", status: "UP", version: "7.0.15", responseTimeMs: 1 },
};

async function until(check: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  }
}

describe("status summary", () => {
  it("names the components that are down", () => {
    expect(summary(report)).toBe("1 of 3 down: cache");
  });
  it("says all is up when it is", () => {
    const up = { ...report, services: [report.services[0]] };
    expect(summary(up)).toBe("All 2 components are up");
  });
});

describe("StatusPage", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows each component green or red", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(report))),
    );
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const host = document.createElement("div");
    const root = createRoot(host);
    await act(async () => root.render(<StatusPage refreshMs={60_000} />));
    await until(() => host.querySelector('[data-testid="status-cache"]') !== null);

    expect(host.querySelector('[data-testid="status-gateway"] .ok')?.textContent).toContain("UP");
    expect(host.querySelector('[data-testid="status-cache"] .bad')?.textContent).toContain("DOWN");
    expect(host.querySelector('[data-testid="status-redis"]')?.textContent).toContain("7.0.15");
    act(() => root.unmount());
  });

  it("says so when the gateway cannot be reached", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("", { status: 502 })),
    );
    const host = document.createElement("div");
    const root = createRoot(host);
    await act(async () => root.render(<StatusPage refreshMs={60_000} />));
    await until(() => host.querySelector('[role="alert"]') !== null);
    expect(host.textContent).toContain("HTTP 502");
    act(() => root.unmount());
  });
});
