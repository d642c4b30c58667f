// The shapes of the metrics service's API (services/metrics/README.md), as the gateway re-exposes
// them under /api/performance.

export type Unit = "ratio" | "bytes" | "seconds" | "perSecond" | "count";

export interface Figure {
  label: string;
  unit: Unit;
  group: string;
}

export interface Group {
  id: string;
  title: string;
  figures: string[];
}

export interface Threshold {
  figure: string;
  direction: "above" | "below";
  warning: number;
  critical: number;
}

export interface Target {
  service: string;
  instance: string;
  url: string;
  up: boolean;
  lastScrapeAt: number | null;
  lastError: string | null;
  scrapeMillis: number | null;
  bytes: number | null;
}

export type Values = Record<string, number | null>;

export interface Instance {
  service: string;
  instance: string;
  up: boolean;
  values: Values;
}

export interface ServiceSummary {
  service: string;
  instances: number;
  up: number;
  values: Values;
}

export interface BrowserFigure {
  p75: number | null;
  count: number;
}

export interface Alert {
  id: string;
  rule: string;
  severity: string;
  state: "pending" | "firing" | "resolved";
  service: string;
  instance: string;
  figure: string;
  value: number | null;
  threshold: number | null;
  since?: number;
  at?: number;
  summary: string;
}

export interface Snapshot {
  mode: "local" | "prometheus";
  at: number;
  intervalSeconds: number;
  figures: Record<string, Figure>;
  groups: Group[];
  thresholds: Threshold[];
  targets: Target[];
  instances: Instance[];
  services: ServiceSummary[];
  browser: { reports: number; values: Record<string, BrowserFigure> } | null;
  alerts: Alert[];
}

export interface Trend {
  method: string;
  slopePerHour: number | null;
  forecast: { at: number; value: number | null } | null;
  direction: "up" | "down" | "flat";
}

export interface HistorySeries {
  service: string;
  instance: string;
  points: [number, number | null][];
  trend: Trend | null;
}

export interface History {
  figure: string;
  unit: Unit;
  range: number;
  step: number;
  source: string;
  series: HistorySeries[];
}

export interface AlertList {
  source: string;
  active: Alert[];
  history: Alert[];
}
