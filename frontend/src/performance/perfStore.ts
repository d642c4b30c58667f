import { createStore, type Store } from "../store";
import { share } from "./share";
import type { AlertList, Snapshot, Trend, Values } from "./types";

export const RANGES = ["15m", "1h", "6h", "24h"] as const;
export type Range = (typeof RANGES)[number];
export const RANGE_SECONDS: Record<Range, number> = {
  "15m": 900,
  "1h": 3600,
  "6h": 21600,
  "24h": 86400,
};

export type Connection = "connecting" | "open" | "retrying" | "closed";

/** What the performance page shows; parts that did not change keep their identity (see share). */
export interface PerfState {
  snapshot: Snapshot | null;
  connection: Connection;
  error: string | null;
  range: Range;
  /** Trends from the history, by trendKey(figure, service, instance). */
  trends: Record<string, Trend>;
  alerts: AlertList | null;
}

export const initialPerfState: PerfState = {
  snapshot: null,
  connection: "connecting",
  error: null,
  range: "1h",
  trends: {},
  alerts: null,
};

export function createPerfStore(): Store<PerfState> {
  return createStore(initialPerfState);
}

export const trendKey = (figure: string, service: string, instance: string) =>
  `${figure}|${service}|${instance}`;

/** Takes a new snapshot in, sharing what did not change with the last one. */
export function applySnapshot(state: PerfState, snapshot: Snapshot): PerfState {
  const next = share(state.snapshot, snapshot);
  return next === state.snapshot && state.connection === "open" && state.error === null
    ? state
    : { ...state, snapshot: next, connection: "open", error: null };
}

export function applyTrends(state: PerfState, trends: Record<string, Trend>): PerfState {
  const merged = share(state.trends, { ...state.trends, ...trends });
  return merged === state.trends ? state : { ...state, trends: merged };
}

// Selectors: each returns a primitive or a part of the state that keeps its identity while it
// does not change, so the component that reads it re-renders only when what it shows changed.

const emptyValues: Values = {};

/** One value: of a service (instance null) or of one of its instances. */
export function selectValue(
  state: PerfState,
  figure: string,
  service: string,
  instance: string | null,
): number | null {
  const snapshot = state.snapshot;
  if (!snapshot) return null;
  const values =
    instance === null
      ? snapshot.services.find((s) => s.service === service)?.values
      : snapshot.instances.find((i) => i.service === service && i.instance === instance)?.values;
  return (values ?? emptyValues)[figure] ?? null;
}

export const selectGroups = (s: PerfState) => s.snapshot?.groups;
export const selectFigures = (s: PerfState) => s.snapshot?.figures;
export const selectServices = (s: PerfState) => s.snapshot?.services;
export const selectInstances = (s: PerfState) => s.snapshot?.instances;
export const selectTargets = (s: PerfState) => s.snapshot?.targets;
export const selectActiveAlerts = (s: PerfState) => s.snapshot?.alerts;
export const selectBrowser = (s: PerfState) => s.snapshot?.browser ?? null;
export const selectAt = (s: PerfState) => s.snapshot?.at ?? null;

/** The instance names of one service, joined (a string, so equal lists compare equal). */
export function selectInstanceNames(state: PerfState, service: string): string {
  return (state.snapshot?.instances ?? [])
    .filter((i) => i.service === service)
    .map((i) => i.instance)
    .join("\n");
}
