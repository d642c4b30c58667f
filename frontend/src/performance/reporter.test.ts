import { describe, expect, it } from "vitest";
import { createReporter, SampleQueue, type Sample } from "./reporter";

describe("the sample queue", () => {
  it("holds at most 32 samples and 8 of one name, keeping the largest of a full name", () => {
    const queue = new SampleQueue(32, 8);
    for (let i = 0; i < 20; i++) queue.add("render", i);
    expect(queue.size).toBe(8);
    for (const name of ["LCP", "INP", "CLS", "FCP", "TTFB", "longTask", "heapUsed"]) {
      for (let i = 0; i < 8; i++) queue.add(name, 1);
    }
    expect(queue.size).toBe(32);
    expect(queue.add("other", 1)).toBe(false); // full: dropped
    expect(queue.dropped).toBeGreaterThan(0);
    const taken = queue.take();
    expect(taken).toHaveLength(32);
    expect(
      taken
        .filter((s) => s.name === "render")
        .map((s) => s.value)
        .sort((a, b) => a - b),
    ).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(queue.size).toBe(0);
  });

  it("refuses values that are not numbers a report can carry", () => {
    const queue = new SampleQueue();
    expect(queue.add("render", Number.NaN)).toBe(false);
    expect(queue.add("render", -1)).toBe(false);
    expect(queue.size).toBe(0);
  });
});

describe("the reporter", () => {
  it("sends at most one report per interval, batching what arrived meanwhile", () => {
    let now = 0;
    const timers: { at: number; run: () => void }[] = [];
    const sent: Sample[][] = [];
    const reporter = createReporter({
      send: (s) => sent.push(s),
      now: () => now,
      setTimer: (run, ms) => timers.push({ at: now + ms, run }),
      minIntervalMs: 30_000,
    });
    const advance = (to: number) => {
      now = to;
      for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
        if (t.at <= now) t.run();
        else timers.push(t);
      }
    };
    reporter.add("LCP", 800);
    advance(0);
    expect(sent).toEqual([[{ name: "LCP", value: 800 }]]);
    reporter.add("longTask", 60);
    reporter.add("render", 5);
    advance(10_000);
    expect(sent).toHaveLength(1); // within the interval: held
    expect(reporter.flush()).toBe(false); // a flush (page hidden) waits for it too
    advance(30_000);
    expect(sent).toHaveLength(2);
    expect(sent[1].map((s) => s.name)).toEqual(["longTask", "render"]);
    advance(90_000);
    expect(sent).toHaveLength(2); // nothing queued: nothing sent
  });

  it("adds what is read at report time just before sending", () => {
    const sent: Sample[][] = [];
    const reporter = createReporter({
      send: (s) => sent.push(s),
      setTimer: (run) => run(),
      beforeSend: (queue) => queue.add("heapUsed", 1234),
    });
    reporter.add("CLS", 0.01);
    expect(sent[0]).toEqual([
      { name: "CLS", value: 0.01 },
      { name: "heapUsed", value: 1234 },
    ]);
  });
});
