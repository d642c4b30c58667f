import { describe, expect, it } from "vitest";
import { conversationDate } from "./conversationDate";

const at = (y: number, m: number, d: number, h = 12, min = 0) =>
  new Date(y, m - 1, d, h, min).getTime();

describe("a conversation's date in the list", () => {
  const now = at(2026, 12, 2, 9, 30);

  it("says Today with the time for today", () => {
    expect(conversationDate(at(2026, 12, 2, 0, 5), now)).toBe("Today 00:05");
    expect(conversationDate(at(2026, 12, 2, 9, 2), now)).toBe("Today 09:02");
  });

  it("says Yesterday for the day before, however late", () => {
    expect(conversationDate(at(2026, 12, 1, 23, 59), now)).toBe("Yesterday");
    expect(conversationDate(at(2026, 12, 1, 0, 0), now)).toBe("Yesterday");
  });

  it("gives day and month this year, and the year before that", () => {
    expect(conversationDate(at(2026, 11, 30, 23, 0), now)).toBe("30 Nov");
    expect(conversationDate(at(2026, 1, 12), now)).toBe("12 Jan");
    expect(conversationDate(at(2025, 11, 12), now)).toBe("12 Nov 2025");
  });

  it("is empty for an unknown time", () => {
    expect(conversationDate(0, now)).toBe("");
  });
});
