import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

describe("reconnect backoff", () => {
  it("doubles from 250 ms up to the 15 s cap", () => {
    const max = () => 1;
    expect([0, 1, 2, 3, 10, 50].map((a) => backoffDelay(a, max))).toEqual([
      250, 500, 1000, 2000, 15000, 15000,
    ]);
  });

  it("jitters between half and all of the ceiling", () => {
    expect(backoffDelay(2, () => 0)).toBe(500);
    expect(backoffDelay(2, () => 0.5)).toBe(750);
  });
});
