import type { Trend, Unit } from "./types";

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB"];

function digits(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 100 || Number.isInteger(n)) return String(Math.round(n));
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** A value in its unit, as the page shows it: ratio as %, bytes as KB/MB, seconds as ms. */
export function formatValue(value: number | null | undefined, unit: Unit | string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  switch (unit) {
    case "ratio":
      return `${digits(value * 100)} %`;
    case "bytes": {
      let n = value;
      let i = 0;
      while (Math.abs(n) >= 1024 && i < BYTE_UNITS.length - 1) {
        n /= 1024;
        i++;
      }
      return `${i === 0 ? Math.round(n) : digits(n)} ${BYTE_UNITS[i]}`;
    }
    case "seconds":
      return value >= 10 ? `${digits(value)} s` : `${digits(value * 1000)} ms`;
    case "milliseconds":
      return `${digits(value)} ms`;
    case "perSecond":
      return `${digits(value)}/s`;
    default:
      return digits(value);
  }
}

/** The unit of one of the browser's own numbers (names of POST /api/performance/browser). */
export function browserUnit(name: string): string {
  if (name === "CLS") return "count";
  if (name === "heapUsed") return "bytes";
  return "milliseconds";
}

const ARROWS = { up: "↑", down: "↓", flat: "→" } as const;

/** The arrow of a trend and its tooltip, which names the method. */
export function trendArrow(
  trend: Trend | null | undefined,
  unit: Unit,
): { arrow: string; title: string } | null {
  if (!trend) return null;
  const parts = [`${trend.direction} (${trend.method})`];
  if (trend.slopePerHour !== null && Number.isFinite(trend.slopePerHour)) {
    parts.push(`slope ${formatValue(trend.slopePerHour, unit)} per hour`);
  }
  if (trend.forecast && trend.forecast.value !== null) {
    parts.push(
      `forecast ${formatValue(trend.forecast.value, unit)} at ${new Date(trend.forecast.at).toLocaleTimeString()}`,
    );
  }
  return { arrow: ARROWS[trend.direction] ?? "→", title: parts.join("; ") };
}
