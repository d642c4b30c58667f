import { describe, expect, it } from "vitest";
import { canSeePerformance } from "./access";

describe("who sees the performance page", () => {
  it("is admins and team leads", () => {
    expect(canSeePerformance("admin")).toBe(true);
    expect(canSeePerformance("lead")).toBe(true);
    expect(canSeePerformance("member,lead")).toBe(true);
    expect(canSeePerformance("member")).toBe(false);
    expect(canSeePerformance("leader")).toBe(false);
    expect(canSeePerformance(undefined)).toBe(false);
  });
});
