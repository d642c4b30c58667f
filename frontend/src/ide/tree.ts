import type { FileEntry } from "../api/client";

export interface Row {
  entry: FileEntry;
  depth: number;
}

/**
 * The visible rows of the tree: loaded folders, expanded ones opened, in listing order. With a
 * filter, only entries whose name contains it (case-insensitive) and the folders leading to them.
 */
export function visibleRows(
  children: Record<string, FileEntry[]>,
  expanded: Record<string, boolean>,
  filter: string,
): Row[] {
  const rows: Row[] = [];
  const needle = filter.trim().toLowerCase();
  const walk = (folder: string, depth: number): boolean => {
    let any = false;
    for (const entry of children[folder] ?? []) {
      const matches = !needle || entry.name.toLowerCase().includes(needle);
      if (entry.type === "dir") {
        const at = rows.length;
        rows.push({ entry, depth });
        const open = expanded[entry.path] || (needle !== "" && children[entry.path] !== undefined);
        const inner = open ? walk(entry.path, depth + 1) : false;
        if (needle && !matches && !inner)
          rows.splice(at); // nothing to show below it
        else any = true;
      } else if (matches) {
        rows.push({ entry, depth });
        any = true;
      }
    }
    return any;
  };
  walk("", 0);
  return rows;
}

/** The rows to render for a scroll position: the visible window plus some overscan. */
export function windowOf(
  count: number,
  rowHeight: number,
  scrollTop: number,
  height: number,
  overscan = 10,
) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last };
}
