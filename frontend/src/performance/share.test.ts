import { describe, expect, it } from "vitest";
import { share } from "./share";

describe("structural sharing between snapshots", () => {
  it("keeps the identity of every unchanged part", () => {
    const prev = { a: { x: 1, list: [1, 2] }, b: { y: 2 }, c: [{ id: 1 }, { id: 2 }] };
    const next = share(prev, {
      a: { x: 1, list: [1, 2] },
      b: { y: 3 },
      c: [{ id: 1 }, { id: 3 }],
    });
    expect(next).not.toBe(prev);
    expect(next.a).toBe(prev.a);
    expect(next.b).not.toBe(prev.b);
    expect(next.c).not.toBe(prev.c);
    expect(next.c[0]).toBe(prev.c[0]);
    expect(next.b).toEqual({ y: 3 });
  });

  it("returns the old object when all is equal", () => {
    const prev = { a: [1, { b: null }], c: "x" };
    expect(share(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
  });

  it("sees added, removed and retyped keys", () => {
    expect(share({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    const prev = { a: 1, b: 2 };
    expect(share(prev, { a: 1 })).not.toBe(prev);
    expect(share({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
    expect(share({ a: null }, { a: 0 })).toEqual({ a: 0 });
  });
});
