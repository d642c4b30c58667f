import type { History } from "./types";

/**
 * A chart's data in uPlot's columnar form: xs in seconds, one column per series (an instance).
 * Live points are appended in place; the chart is given the same arrays again, never rebuilt.
 */
export interface ChartData {
  /** `service|instance` of each column. */
  keys: string[];
  xs: number[];
  ys: (number | null)[][];
}

export const seriesKey = (service: string, instance: string) => `${service}|${instance}`;

/** Aligns the history's series on the union of their timestamps (null where one has no point). */
export function fromHistory(history: History): ChartData {
  const times = new Set<number>();
  for (const s of history.series) for (const [t] of s.points) times.add(t);
  const ms = [...times].sort((a, b) => a - b);
  const index = new Map(ms.map((t, i) => [t, i]));
  const keys: string[] = [];
  const ys: (number | null)[][] = [];
  for (const s of history.series) {
    const column: (number | null)[] = new Array(ms.length).fill(null);
    for (const [t, v] of s.points) column[index.get(t)!] = v;
    keys.push(seriesKey(s.service, s.instance));
    ys.push(column);
  }
  return { keys, xs: ms.map((t) => t / 1000), ys };
}

/**
 * Appends the snapshot taken at `atMs` (its values by series key) and drops points older than the
 * range. A series the chart does not have yet gets a new column (listed in `added`). Returns
 * whether anything changed: a snapshot no newer than the last point is ignored.
 */
export function appendPoint(
  data: ChartData,
  atMs: number,
  values: Map<string, number | null>,
  rangeSeconds: number,
): { changed: boolean; added: string[] } {
  const x = atMs / 1000;
  if (data.xs.length && x <= data.xs[data.xs.length - 1]) return { changed: false, added: [] };
  const added: string[] = [];
  for (const key of values.keys()) {
    if (!data.keys.includes(key)) {
      data.keys.push(key);
      data.ys.push(new Array(data.xs.length).fill(null));
      added.push(key);
    }
  }
  data.xs.push(x);
  data.keys.forEach((key, i) => data.ys[i].push(values.get(key) ?? null));
  let drop = 0;
  while (drop < data.xs.length && data.xs[drop] < x - rangeSeconds) drop++;
  if (drop) {
    data.xs.splice(0, drop);
    for (const column of data.ys) column.splice(0, drop);
  }
  return { changed: true, added };
}
