// `@path/to/file` mentions in a prompt: each attaches a workspace file as context.

export interface Mention {
  path: string;
  start: number;
  end: number;
}

const MENTION = /(^|\s)@([A-Za-z0-9_][A-Za-z0-9._\-/]*)/g;

/** The mentions in `text`, in order, without duplicates; unsafe paths are not mentions. */
export function parseMentions(text: string): Mention[] {
  const found: Mention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    let path = match[2].replace(/[.,;:!?)]+$/, ""); // trailing punctuation ends a sentence, not a path
    path = path.replace(/\/+$/, "");
    if (!isSafePath(path) || seen.has(path)) continue;
    seen.add(path);
    const start = (match.index ?? 0) + match[1].length;
    found.push({ path, start, end: start + 1 + path.length });
  }
  return found;
}

/** A relative path without empty, "." or ".." segments. */
export function isSafePath(path: string): boolean {
  if (!path || path.startsWith("/") || path.length > 4096) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/** The mention being typed at the caret, for completion: the text after "@", or null. */
export function mentionAt(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([A-Za-z0-9._\-/]*)$/.exec(before);
  return m ? { query: m[2], start: before.length - m[2].length - 1 } : null;
}
