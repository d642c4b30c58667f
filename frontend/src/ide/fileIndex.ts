import { files } from "../api/client";

/** Folders quick open does not walk into (as VS Code's default files.exclude / search.exclude). */
export const SKIPPED = new Set([".git", "node_modules", ".hg", ".svn"]);
/** The most paths one index holds; a bigger workspace is cut there (and says so). */
export const MAX_PATHS = 20_000;

/**
 * Every file path in a workspace, walked folder by folder through the tree API, a few folders at
 * a time. `onProgress` gets the paths found so far, so quick open shows results while it walks.
 */
export async function indexFiles(
  workspaceId: string,
  onProgress: (paths: string[]) => void,
  signal: AbortSignal,
): Promise<{ paths: string[]; truncated: boolean }> {
  const paths: string[] = [];
  const queue = [""];
  let truncated = false;
  const walk = async () => {
    for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
      let cursor: string | undefined;
      do {
        signal.throwIfAborted();
        const page = await files.list(workspaceId, folder, cursor);
        for (const e of page.entries) {
          if (e.type === "dir") {
            if (!SKIPPED.has(e.name)) queue.push(e.path);
          } else if (paths.length < MAX_PATHS) paths.push(e.path);
          else truncated = true;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !truncated);
      onProgress(paths);
      if (truncated) queue.length = 0;
    }
  };
  // Four walkers share the queue; one that finds it empty stops while others may still add to it,
  // so the walk repeats until nothing is left.
  while (queue.length) await Promise.all([walk(), walk(), walk(), walk()]);
  return { paths, truncated };
}
