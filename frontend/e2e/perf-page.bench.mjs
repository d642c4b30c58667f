// Benchmark of the performance page in headless Chromium (prints figures; not a test): first
// paint and first contentful paint, the time until live values and a chart show, the JavaScript
// the page loads on top of the IDE's first load, and frame times (requestAnimationFrame deltas)
// over 20 s while a live snapshot arrives every second. Against the stack of stack.mjs, with the
// metrics service scraping the five services each second.
//   npm --prefix frontend run build && mvn -B -q package -DskipTests && node frontend/e2e/perf-page.bench.mjs
import { chromium } from "playwright-core";
import { adminWorkspace, CHROMIUM, logs, ms, pct, services, stopAll } from "./stack.mjs";

const WINDOW_MS = Number(process.env.PERF_BENCH_WINDOW_MS ?? 20_000);

async function main() {
  const base = await services();
  const { token, expiresAt } = await adminWorkspace(base);
  const session = { token, username: "admin", role: "admin", expiresAt };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const withSession = async (options) => {
    const context = await browser.newContext(options);
    await context.addInitScript(
      (s) => sessionStorage.setItem("aicoder.session", JSON.stringify(s)),
      session,
    );
    return context;
  };
  // Warm the server (JIT, the history) with a few visits; the measured one has a cold browser cache.
  const warm = await withSession();
  const warmPage = await warm.newPage();
  for (let i = 0; i < 3; i++) {
    await warmPage.goto(`${base}/#performance`);
    await warmPage
      .locator('[data-testid="perf-chart"] canvas')
      .first()
      .waitFor({ timeout: 60_000 });
  }
  await warm.close();

  const context = await withSession({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}/#performance`);
  await page.locator('[data-testid="perf-value"]').first().waitFor({ timeout: 60_000 });
  const valuesAt = await page.evaluate(() => performance.now());
  await page.locator('[data-testid="perf-chart"] canvas').first().waitFor({ timeout: 60_000 });
  const chartAt = await page.evaluate(() => performance.now());
  const load = await page.evaluate(() => {
    const paint = Object.fromEntries(
      performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]),
    );
    const scripts = performance
      .getEntriesByType("resource")
      .concat(performance.getEntriesByType("navigation"))
      .filter((e) => e.name.endsWith(".js"));
    const size = (test) =>
      scripts.filter((e) => test(e.name)).reduce((sum, e) => sum + e.encodedBodySize, 0);
    return {
      paint,
      page: size((n) => /PerformancePage|FigureChart/.test(n)),
      uplot: size((n) => /uPlot/.test(n)),
      all: size(() => true),
    };
  });
  const charts = await page.locator('[data-testid="perf-chart"] canvas').count();

  // Frame times while live snapshots arrive: rAF deltas, long tasks, and the snapshots counted by
  // the header's time stamp changing.
  const frames = await page.evaluate(
    (windowMs) =>
      new Promise((done) => {
        const deltas = [];
        const longTasks = [];
        let snapshots = 0;
        const header = document.querySelector('[data-testid="perf-connection"]');
        const observer = new MutationObserver(() => snapshots++);
        observer.observe(header, { childList: true, characterData: true, subtree: true });
        const tasks = new PerformanceObserver((list) =>
          list.getEntries().forEach((e) => longTasks.push(e.duration)),
        );
        tasks.observe({ type: "longtask" });
        const start = performance.now();
        let last = start;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now - start < windowMs) requestAnimationFrame(tick);
          else {
            observer.disconnect();
            tasks.disconnect();
            done({ deltas: deltas.slice(1), longTasks, snapshots });
          }
        };
        requestAnimationFrame(tick);
      }),
    WINDOW_MS,
  );
  await browser.close();

  const d = frames.deltas;
  const results = [
    ["first paint", ms(load.paint["first-paint"] ?? NaN)],
    ["first contentful paint", ms(load.paint["first-contentful-paint"] ?? NaN)],
    ["live values shown after navigation", ms(valuesAt)],
    [`first chart drawn after navigation (${charts} charts)`, ms(chartAt)],
    [
      "JavaScript transferred: page chunk / uPlot chunk / all",
      `${(load.page / 1024).toFixed(1)} / ${(load.uplot / 1024).toFixed(1)} / ${(load.all / 1024).toFixed(1)} KB`,
    ],
    [`live snapshots shown in ${WINDOW_MS / 1000} s`, String(frames.snapshots)],
    [
      `frame time p50 / p95 / max (${d.length} frames)`,
      `${ms(pct(d, 50))} / ${ms(pct(d, 95))} / ${ms(Math.max(...d))}`,
    ],
    ["frames over 50 ms", String(d.filter((x) => x > 50).length)],
    [
      "long tasks (count, longest)",
      `${frames.longTasks.length}, ${ms(Math.max(0, ...frames.longTasks))}`,
    ],
  ];
  console.log("\nPerformance page benchmark (headless Chromium, localhost)\n");
  for (const [name, value] of results) console.log(`${name.padEnd(58)} ${value}`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`Performance page benchmark failed: ${e.stack}`);
  console.error(logs());
} finally {
  stopAll();
}
process.exit(failed ? 1 : 0);
