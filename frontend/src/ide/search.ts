import { api } from "../api/client";

export interface SearchMatch {
  path: string;
  line: number;
  text: string;
}

export interface SearchSummary {
  matches: number;
  filesSearched: number;
  truncated: boolean;
  timedOut: boolean;
}

/**
 * The workspace's text search, read as the server streams it (NDJSON): each match is handed to
 * `onMatch` as it arrives; resolves with the summary line.
 */
export async function searchWorkspace(
  workspaceId: string,
  query: string,
  onMatch: (m: SearchMatch) => void,
  signal: AbortSignal,
  limit = 500,
): Promise<SearchSummary> {
  const response = await api(
    `/api/workspaces/${encodeURIComponent(workspaceId)}/search?q=${encodeURIComponent(query)}&limit=${limit}`,
    { signal },
  );
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const item = JSON.parse(line);
      if (item.done) return item as SearchSummary;
      onMatch(item as SearchMatch);
    }
  }
  throw new Error("The search ended early.");
}
