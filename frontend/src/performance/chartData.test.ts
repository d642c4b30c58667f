import { describe, expect, it } from "vitest";
import { appendPoint, fromHistory } from "./chartData";
import type { History } from "./types";

const history: History = {
  figure: "cpu",
  unit: "ratio",
  range: 3600,
  step: 15,
  source: "local",
  series: [
    {
      service: "gateway",
      instance: "a",
      points: [
        [1000, 0.1],
        [16000, 0.2],
      ],
      trend: null,
    },
    {
      service: "cache",
      instance: "b",
      points: [
        [16000, 0.3],
        [31000, null],
      ],
      trend: null,
    },
  ],
};

describe("chart data", () => {
  it("aligns the history's series on one time axis in seconds", () => {
    const data = fromHistory(history);
    expect(data.keys).toEqual(["gateway|a", "cache|b"]);
    expect(data.xs).toEqual([1, 16, 31]);
    expect(data.ys).toEqual([
      [0.1, 0.2, null],
      [null, 0.3, null],
    ]);
  });

  it("appends a live point in place, adds a new instance and drops what left the range", () => {
    const data = fromHistory(history);
    const xs = data.xs;
    const first = appendPoint(
      data,
      46000,
      new Map([
        ["gateway|a", 0.5],
        ["ghost|c", null],
      ]),
      40,
    );
    expect(first).toEqual({ changed: true, added: ["ghost|c"] });
    expect(data.xs).toBe(xs); // the same arrays: the chart is given them again, not rebuilt
    expect(data.xs).toEqual([16, 31, 46]);
    expect(data.ys).toEqual([
      [0.2, null, 0.5],
      [0.3, null, null],
      [null, null, null],
    ]);
  });

  it("ignores a snapshot no newer than the last point", () => {
    const data = fromHistory(history);
    expect(appendPoint(data, 31000, new Map([["gateway|a", 1]]), 3600).changed).toBe(false);
    expect(data.xs).toEqual([1, 16, 31]);
  });
});
