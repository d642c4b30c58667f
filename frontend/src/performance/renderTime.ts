import { useLayoutEffect } from "react";

// In the first-load bundle, so it stays tiny: the reporter (loaded later) takes the times over,
// with the first few measured before it loaded.
let sink: ((ms: number) => void) | null = null;
const early: number[] = [];

/** Hands render times to the reporter, with those measured before it loaded. */
export function setRenderSink(next: (ms: number) => void): void {
  sink = next;
  early.splice(0).forEach(next);
}

/**
 * Measures a component's render and commit: from its render to its layout effect, which runs after
 * its whole subtree is committed. React's Profiler would do this, but only in development builds.
 */
export function useRenderTime(): void {
  // Impure on purpose: the render's own start time is the measurement.
  // eslint-disable-next-line react-hooks/purity
  const start = performance.now();
  useLayoutEffect(() => {
    const ms = performance.now() - start;
    if (sink) sink(ms);
    else if (early.length < 16) early.push(ms);
  });
}
