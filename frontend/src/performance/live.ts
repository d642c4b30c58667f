import { backoffDelay } from "../chat/backoff";
import { sseParser } from "./sse";
import type { Snapshot } from "./types";

export interface LiveOptions {
  /** The bearer token; read at each (re)connect, since a session may be renewed. */
  token: () => string | null;
  onSnapshot: (snapshot: Snapshot) => void;
  onState: (state: "connecting" | "open" | "retrying", error?: string) => void;
  /** A 401 or 403: not retried. */
  onRefused?: (status: number) => void;
  signal: AbortSignal;
  url?: string;
  fetchImpl?: typeof fetch;
  /** Waits before reconnect number `attempt` (the backoff by default). */
  wait?: (attempt: number, signal: AbortSignal) => Promise<void>;
  /** Reconnects when nothing (not even a ping) arrived for this long. */
  idleMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Follows GET /api/performance/live: fetch with the bearer header (EventSource cannot send one),
 * the body read as a stream and parsed as Server-Sent Events. On an error or the end of the
 * stream it reconnects with the chat's backoff, until `signal` aborts.
 */
export async function followLive(options: LiveOptions): Promise<void> {
  const {
    signal,
    url = "/api/performance/live",
    fetchImpl = fetch,
    wait = (attempt, s) => sleep(backoffDelay(attempt), s),
    idleMs = 45_000,
  } = options;
  let attempt = 0;
  while (!signal.aborted) {
    options.onState(attempt === 0 ? "connecting" : "retrying");
    const attemptAbort = new AbortController();
    const stop = () => attemptAbort.abort();
    signal.addEventListener("abort", stop, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(stop, idleMs);
    };
    let error = "the stream ended";
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      const token = options.token();
      if (token) headers.Authorization = `Bearer ${token}`;
      touch();
      const response = await fetchImpl(url, {
        headers,
        signal: attemptAbort.signal,
        cache: "no-store",
      });
      if (response.status === 401 || response.status === 403) {
        options.onRefused?.(response.status);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const parse = sseParser((event) => {
        if (event.event !== "snapshot") return;
        let snapshot: Snapshot;
        try {
          snapshot = JSON.parse(event.data) as Snapshot;
        } catch {
          return; // a broken event is skipped; the next scrape sends a whole new snapshot
        }
        attempt = 0;
        options.onState("open");
        options.onSnapshot(snapshot);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      // Ends a read that waits on a silent stream (the idle timer) or a page that left.
      attemptAbort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        touch();
        parse(value);
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(idle);
      signal.removeEventListener("abort", stop);
    }
    if (signal.aborted) return;
    options.onState("retrying", error);
    await wait(attempt++, signal);
  }
}
