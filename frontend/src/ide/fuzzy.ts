/**
 * Fuzzy matching for quick open: the query's characters must appear in order in the path
 * (case-insensitive). Matches in the file name, at the start of a word and in a run score higher;
 * a shorter path wins a tie. Returns null when the path does not match.
 */
export function fuzzyScore(query: string, path: string): { score: number; hits: number[] } | null {
  const q = query.toLowerCase().replace(/\s+/g, "");
  if (!q) return { score: 0, hits: [] };
  const p = path.toLowerCase();
  const nameStart = path.lastIndexOf("/") + 1;
  const wordStart = (i: number) =>
    i === 0 || "/._- ".includes(path[i - 1]) || (path[i] >= "A" && path[i] <= "Z");
  let best: { score: number; hits: number[] } | null = null;
  // Greedy from the file name or from the start, taking the first occurrence or the first one at
  // a word start: the best of the four.
  for (const from of nameStart > 0 ? [nameStart, 0] : [0]) {
    for (const starts of [true, false]) {
      const hits: number[] = [];
      let score = 0;
      let at = from;
      for (const c of q) {
        let i = p.indexOf(c, at);
        if (starts) {
          for (let j = i; j >= 0; j = p.indexOf(c, j + 1)) {
            if (wordStart(j)) {
              i = j;
              break;
            }
          }
        }
        if (i < 0) break;
        const prev = hits.at(-1);
        score += 1;
        if (prev !== undefined && i === prev + 1) score += 5; // a run
        if (wordStart(i)) score += 3;
        if (i >= nameStart) score += 2;
        hits.push(i);
        at = i + 1;
      }
      if (hits.length === q.length && (!best || score * 100 - path.length > best.score))
        best = { score: score * 100 - path.length, hits };
    }
  }
  return best;
}

/** The best `limit` paths for the query, best first. */
export function fuzzyFilter(query: string, paths: string[], limit = 50) {
  const out: { path: string; score: number; hits: number[] }[] = [];
  for (const path of paths) {
    const m = fuzzyScore(query, path);
    if (m) out.push({ path, ...m });
  }
  out.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return out.slice(0, limit);
}
