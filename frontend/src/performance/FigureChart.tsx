import { memo, useEffect, useRef, useState } from "react";
import type uPlot from "uplot";
import { apiJson } from "../api/client";
import { appendPoint, fromHistory, seriesKey, type ChartData } from "./chartData";
import { formatValue } from "./format";
import { usePerfStore } from "./context";
import { applyTrends, RANGE_SECONDS, trendKey, type Range } from "./perfStore";
import type { History, Snapshot, Trend, Unit } from "./types";
import { useStore } from "../store";
import { themeStore } from "../ui/theme";

const COLORS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#e16f24"];

/** The axes' text and grid in the design system's colours of the theme in use. */
function axisColours(): uPlot.Axis {
  const css = getComputedStyle(document.documentElement);
  const border = css.getPropertyValue("--border").trim() || "#d1d9e0";
  return {
    stroke: css.getPropertyValue("--fg-muted").trim() || "#59636e",
    grid: { stroke: border, width: 1 },
    ticks: { stroke: border, width: 1 },
  };
}

/** Points of the figure in a snapshot, by series key (only live instances). */
function livePoints(snapshot: Snapshot, figure: string): Map<string, number | null> {
  const values = new Map<string, number | null>();
  for (const i of snapshot.instances) {
    values.set(seriesKey(i.service, i.instance), i.values[figure] ?? null);
  }
  return values;
}

const seriesOf = (key: string, i: number): uPlot.Series => ({
  label: key.replace("|", " "),
  stroke: COLORS[i % COLORS.length],
  width: 1.5,
});

/**
 * One figure over the chosen range: the history first, then a point appended per live snapshot.
 * The chart is built once per range; live points go into the same arrays (setData), and the
 * component itself never re-renders for them.
 */
export const FigureChart = memo(function FigureChart({
  figure,
  label,
  unit,
  range,
}: {
  figure: string;
  label: string;
  unit: Unit;
  range: Range;
}) {
  const store = usePerfStore();
  const host = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The axes take the theme's colours; a theme switch draws the chart again.
  const theme = useStore(themeStore, (s) => s.theme);

  useEffect(() => {
    const controller = new AbortController();
    let chart: uPlot | null = null;
    let data: ChartData = { keys: [], xs: [], ys: [] };
    let unsubscribe = () => {};
    let resize: ResizeObserver | null = null;
    const rangeSeconds = RANGE_SECONDS[range];

    (async () => {
      const [{ default: UPlot }] = await Promise.all([
        import("uplot"),
        import("uplot/dist/uPlot.min.css"),
      ]);
      try {
        const history = await apiJson<History>(
          `/api/performance/history?figure=${encodeURIComponent(figure)}&range=${range}`,
          { signal: controller.signal },
        );
        data = fromHistory(history);
        const trends: Record<string, Trend> = {};
        for (const s of history.series) {
          if (s.trend) trends[trendKey(figure, s.service, s.instance)] = s.trend;
        }
        store.set((state) => applyTrends(state, trends));
        setProblem(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        setProblem(`No history: ${e instanceof Error ? e.message : String(e)}`); // live points only
      }
      const el = host.current;
      if (!el || controller.signal.aborted) return;
      const snapshot = store.get().snapshot;
      if (snapshot) appendPoint(data, snapshot.at, livePoints(snapshot, figure), rangeSeconds);
      chart = new UPlot(
        {
          width: Math.max(240, el.clientWidth),
          height: 150,
          legend: { show: true, live: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: {
              time: true,
              // Always the whole chosen range, ending at the newest point (or now).
              range: (_u, _min, max) => {
                const end = max ?? Date.now() / 1000;
                return [end - rangeSeconds, end];
              },
            },
          },
          series: [{}, ...data.keys.map(seriesOf)],
          axes: [
            { size: 30, ...axisColours() },
            {
              size: 60,
              values: (_u, ticks) => ticks.map((t) => formatValue(t, unit)),
              ...axisColours(),
            },
          ],
        },
        [data.xs, ...data.ys],
        el,
      );
      let lastAt = snapshot?.at;
      unsubscribe = store.subscribe(() => {
        const next = store.get().snapshot;
        if (!next || next.at === lastAt || !chart) return;
        lastAt = next.at;
        const { changed, added } = appendPoint(
          data,
          next.at,
          livePoints(next, figure),
          rangeSeconds,
        );
        for (const key of added) chart.addSeries(seriesOf(key, data.keys.indexOf(key)));
        if (changed) chart.setData([data.xs, ...data.ys]);
      });
      if (typeof ResizeObserver !== "undefined") {
        resize = new ResizeObserver(() => {
          const width = Math.max(240, el.clientWidth);
          if (chart && Math.abs(chart.width - width) > 4) chart.setSize({ width, height: 150 });
        });
        resize.observe(el);
      }
    })().catch((e) => {
      if (!controller.signal.aborted) setProblem(`Chart unavailable: ${String(e)}`);
    });

    return () => {
      controller.abort();
      unsubscribe();
      resize?.disconnect();
      chart?.destroy();
    };
  }, [figure, range, store, unit, theme]);

  return (
    <figure className="perf-chart">
      <figcaption>{label}</figcaption>
      <div ref={host} data-testid="perf-chart" data-figure={figure} />
      {problem && <small className="muted">{problem}</small>}
    </figure>
  );
});
