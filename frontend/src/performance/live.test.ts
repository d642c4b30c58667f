import { describe, expect, it } from "vitest";
import { followLive } from "./live";

/** A response whose body streams `chunks`, then ends (or stays open when `hold`). */
function stream(chunks: string[], hold = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      if (!hold) controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
}

describe("following the live snapshots", () => {
  it("sends the bearer header, parses snapshots split across chunks and reconnects with backoff", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const states: string[] = [];
    const waits: number[] = [];
    const requests: RequestInit[] = [];
    const answers = [
      () =>
        stream([
          ": ping\n\nevent: snap",
          'shot\ndata: {"at":1}\n\n',
          'event: snapshot\ndata: {"at":2}\n\n',
        ]),
      () => Promise.reject(new TypeError("network down")),
      () => new Response("", { status: 502 }),
      () => stream(['event: snapshot\ndata: {"at":3}\n\n'], true),
    ];
    await new Promise<void>((done) => {
      void followLive({
        token: () => "tok",
        signal: controller.signal,
        fetchImpl: (async (_url: string, init: RequestInit) => {
          requests.push(init);
          return answers.shift()!();
        }) as typeof fetch,
        wait: async (attempt) => {
          waits.push(attempt);
        },
        onState: (s) => states.push(s),
        onSnapshot: (s) => {
          seen.push(s.at);
          if (s.at === 3) done();
        },
      });
    });
    controller.abort();
    expect(seen).toEqual([1, 2, 3]);
    expect((requests[0].headers as Record<string, string>).Authorization).toBe("Bearer tok");
    // Attempts count up while failing and start over after a snapshot arrives.
    expect(waits).toEqual([0, 1, 2]);
    expect(states).toContain("retrying");
    expect(states.at(-1)).toBe("open");
  });

  it("stops on a refusal instead of retrying", async () => {
    const refused: number[] = [];
    let calls = 0;
    await followLive({
      token: () => "tok",
      signal: new AbortController().signal,
      fetchImpl: (async () => (calls++, new Response("", { status: 403 }))) as typeof fetch,
      onState: () => {},
      onSnapshot: () => {},
      onRefused: (s) => refused.push(s),
    });
    expect(refused).toEqual([403]);
    expect(calls).toBe(1);
  });

  it("reconnects when the stream goes silent", async () => {
    const controller = new AbortController();
    let calls = 0;
    await new Promise<void>((done) => {
      void followLive({
        token: () => null,
        signal: controller.signal,
        idleMs: 50,
        fetchImpl: (async (_u: string, init: RequestInit) => {
          calls++;
          if (calls === 2) done();
          // Open, then nothing: only the idle timer ends it.
          return new Promise<Response>((resolve, reject) => {
            resolve(stream([], true));
            init.signal?.addEventListener("abort", () => reject(new Error("aborted")));
          });
        }) as typeof fetch,
        wait: async () => {},
        onState: () => {},
        onSnapshot: () => {},
      });
    });
    controller.abort();
    expect(calls).toBe(2);
  });
});
