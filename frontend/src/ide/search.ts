import { api, readNdjson } from "../api/client";

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
  let summary: SearchSummary | null = null;
  await readNdjson(response, (item) => {
    if ((item as { done?: boolean }).done) summary = item as SearchSummary;
    else onMatch(item as SearchMatch);
  });
  if (!summary) throw new Error("The search ended early.");
  return summary;
}
