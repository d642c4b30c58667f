import { describe, expect, it } from "vitest";
import { browserUnit, formatValue, trendArrow } from "./format";

describe("formatting values by unit", () => {
  it("shows ratios as percent, bytes in binary units, seconds as ms, rates per second", () => {
    expect(formatValue(0.123, "ratio")).toBe("12.3 %");
    expect(formatValue(1, "ratio")).toBe("100 %");
    expect(formatValue(512, "bytes")).toBe("512 B");
    expect(formatValue(3 * 1024 * 1024, "bytes")).toBe("3 MB");
    expect(formatValue(1536, "bytes")).toBe("1.50 KB");
    expect(formatValue(0.0123, "seconds")).toBe("12.3 ms");
    expect(formatValue(12, "seconds")).toBe("12 s");
    expect(formatValue(3.25, "perSecond")).toBe("3.25/s");
    expect(formatValue(42, "count")).toBe("42");
  });

  it("shows a missing value as a dash", () => {
    expect(formatValue(null, "ratio")).toBe("—");
    expect(formatValue(undefined, "bytes")).toBe("—");
    expect(formatValue(Number.NaN, "count")).toBe("—");
  });

  it("knows the units of the browser's numbers", () => {
    expect(formatValue(812.5, browserUnit("LCP"))).toBe("813 ms");
    expect(formatValue(0.05, browserUnit("CLS"))).toBe("0.05");
    expect(formatValue(2 * 1024 * 1024, browserUnit("heapUsed"))).toBe("2 MB");
  });
});

describe("trend arrows", () => {
  it("points the trend's way and names the method", () => {
    const mark = trendArrow(
      {
        method: "least-squares line over the range",
        slopePerHour: 0.02,
        forecast: { at: 0, value: 0.13 },
        direction: "up",
      },
      "ratio",
    );
    expect(mark?.arrow).toBe("↑");
    expect(mark?.title).toContain("least-squares line over the range");
    expect(mark?.title).toContain("slope 2 % per hour");
    expect(
      trendArrow({ method: "m", slopePerHour: null, forecast: null, direction: "down" }, "count")
        ?.arrow,
    ).toBe("↓");
    expect(
      trendArrow({ method: "m", slopePerHour: 0, forecast: null, direction: "flat" }, "count")
        ?.arrow,
    ).toBe("→");
    expect(trendArrow(null, "count")).toBeNull();
  });
});
