/** Reconnect delays: exponential from `baseMs`, capped at `capMs`, with jitter in [50%, 100%]. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 250,
  capMs = 15_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + random() / 2));
}
