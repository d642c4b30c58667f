import { describe, expect, it } from "vitest";
import type { ServerFrame } from "./protocol";
import { emptyState, reduce, unfinished, type StreamState } from "./streamReducer";

const T = "turn-1";
const run = (frames: ServerFrame[], state: StreamState = emptyState) =>
  frames.reduce(reduce, state);
const delta = (seq: number, text: string): ServerFrame => ({ type: "delta", turnId: T, seq, text });

describe("stream reducer", () => {
  it("joins deltas in order and ends with done", () => {
    const s = run([
      { type: "accepted", clientMsgId: "c1", turnId: T, conversationId: "conv", queued: false },
      delta(1, "Hel"),
      delta(2, "lo"),
      { type: "done", turnId: T, seq: 3 },
    ]);
    expect(s.turns[T]).toMatchObject({
      text: "Hello",
      status: "done",
      lastSeq: 3,
      conversationId: "conv",
    });
    expect(unfinished(s)).toEqual([]);
  });

  it("drops duplicates a resume replays", () => {
    const s = run([
      delta(1, "a"),
      delta(2, "b"),
      delta(1, "a"),
      delta(2, "b"),
      delta(3, "c"),
      delta(3, "c"),
    ]);
    expect(s.turns[T].text).toBe("abc");
  });

  it("flags a gap instead of showing a hole, then continues after the resume fills it", () => {
    let s = run([delta(1, "a"), delta(3, "c")]);
    expect(s.turns[T]).toMatchObject({ text: "a", lastSeq: 1, gap: true });
    expect(unfinished(s)).toEqual([{ turnId: T, lastSeq: 1 }]);
    s = run([delta(2, "b"), delta(3, "c")], s);
    expect(s.turns[T]).toMatchObject({ text: "abc", gap: false });
  });

  it("restart clears the partial answer and counts the restart", () => {
    const s = run([
      delta(1, "par"),
      delta(2, "tial"),
      { type: "restart", turnId: T, seq: 3 },
      delta(4, "whole"),
    ]);
    expect(s.turns[T]).toMatchObject({ text: "whole", restarts: 1, lastSeq: 4 });
  });

  it("cancel and error end the turn; later duplicates change nothing", () => {
    const cancelled = run([delta(1, "x"), { type: "cancelled", turnId: T, seq: 2 }, delta(1, "x")]);
    expect(cancelled.turns[T]).toMatchObject({ status: "cancelled", text: "x" });
    const failed = run([
      { type: "error", turnId: T, seq: 1, code: "model_timeout", message: "no first token" },
    ]);
    expect(failed.turns[T]).toMatchObject({ status: "error", error: { code: "model_timeout" } });
  });

  it("ends an unfinished turn whose resume finds it expired, and leaves a finished one alone", () => {
    const expired = {
      type: "error",
      turnId: T,
      code: "not_found",
      message: "no longer kept",
    } as const;
    const streaming = run([delta(1, "par"), expired]);
    expect(streaming.turns[T]).toMatchObject({
      status: "error",
      text: "par",
      error: { code: "not_found" },
    });
    const done = run([delta(1, "x"), { type: "done", turnId: T, seq: 2 }, expired]);
    expect(done.turns[T].status).toBe("done");
  });

  it("ignores frame-level errors and keeps a queued turn queued until it streams", () => {
    let s = run([{ type: "error", code: "rate_limited", message: "slow down" }]);
    expect(s).toBe(emptyState);
    s = run([{ type: "accepted", clientMsgId: "c", turnId: T, conversationId: "v", queued: true }]);
    expect(s.turns[T].status).toBe("queued");
    expect(run([delta(1, "go")], s).turns[T].status).toBe("streaming");
  });

  it("remembers that the done frame said the answer came from the cache", () => {
    const cached = run([
      delta(1, "4"),
      { type: "done", turnId: T, seq: 2, usage: { inputTokens: 5, outputTokens: 1, cached: true } },
    ]);
    expect(cached.turns[T]).toMatchObject({ status: "done", cached: true });
    const fresh = run([
      delta(1, "4"),
      { type: "done", turnId: T, seq: 2, usage: { inputTokens: 5, outputTokens: 1 } },
    ]);
    expect(fresh.turns[T].cached).toBeUndefined();
  });
});
