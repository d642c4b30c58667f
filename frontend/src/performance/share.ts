/**
 * Returns `next` with every part that deep-equals the same part of `prev` replaced by `prev`'s
 * object, so a selector that reads an unchanged part gets the same reference and its component
 * does not re-render. (JSON values only: objects, arrays, primitives.)
 */
export function share<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (typeof prev !== "object" || typeof next !== "object" || prev === null || next === null) {
    return next;
  }
  if (Array.isArray(prev) !== Array.isArray(next)) return next;
  if (Array.isArray(next)) {
    const p = prev as unknown[];
    let same = p.length === next.length;
    const out = next.map((item, i) => {
      const shared = share(p[i], item);
      if (shared !== p[i]) same = false;
      return shared;
    });
    return (same ? p : out) as T;
  }
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(n);
  let same = keys.length === Object.keys(p).length;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const shared = share(p[key], n[key]);
    if (!(key in p) || shared !== p[key]) same = false;
    out[key] = shared;
  }
  return (same ? p : out) as T;
}
