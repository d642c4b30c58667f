import { getSession, sessionSignal, setSession } from "../auth/session";

/** An RFC 9457 problem answered by the gateway. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Calls the gateway with the session's token; a 401 ends the session (back to sign-in). */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const session = getSession();
  if (session) headers.set("Authorization", `Bearer ${session.token}`);
  const response = await fetch(path, { signal: sessionSignal(), ...init, headers });
  if (response.status === 401 && session) setSession(null);
  if (!response.ok && response.status !== 304) {
    let problem: Problem = { status: response.status };
    try {
      problem = { ...(await response.json()), status: response.status };
    } catch {
      // not problem JSON
    }
    throw new ApiError(problem);
  }
  return response;
}

export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const signal = init.signal ?? sessionSignal();
  const response = await api(path, { ...init, headers, signal });
  const body = (response.status === 204 ? undefined : await response.json()) as T;
  signal.throwIfAborted(); // the session ended while the body was read
  return body;
}

/** Calls `onLine` with each parsed line of an NDJSON body as it arrives. */
export async function readNdjson(response: Response, onLine: (value: unknown) => void) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) rest += value;
    const lines = rest.split("\n");
    rest = done ? "" : lines.pop()!;
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line));
    if (done) return;
  }
}

export interface FileEntry {
  name: string;
  path: string;
  type: "dir" | "file" | "symlink";
  size: number;
  modified: number;
}

export interface Workspace {
  id: string;
  name: string;
  teamId: string;
}

export interface Conversation {
  id: string;
  title: string;
  updatedAt: number;
  /** Who started it; someone else's when it is shared with one of the caller's teams. */
  owner?: string;
  /** The team it is shared with, if any. */
  team?: string | null;
}

export interface ChatMessage {
  id: string;
  turnId?: string;
  role: "user" | "assistant";
  text: string;
  status?: string;
  createdAtMs: number;
}

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const q = (path: string) => `path=${encodeURIComponent(path)}`;

export const files = {
  list: (id: string, path: string, cursor?: string) =>
    apiJson<{ entries: FileEntry[]; nextCursor: string | null }>(
      `${ws(id)}/tree?${q(path)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  read: async (id: string, path: string) => {
    const signal = sessionSignal();
    const response = await api(`${ws(id)}/file?${q(path)}`, { signal });
    const text = await response.text();
    signal.throwIfAborted();
    return {
      text,
      etag: response.headers.get("ETag") ?? "",
      binary: response.headers.get("X-Content-Kind") === "binary",
      size: Number(response.headers.get("X-File-Size") ?? 0),
    };
  },
  /** Writes; `etag` null creates a new file. Throws ApiError 412 with the current version. */
  write: async (id: string, path: string, text: string, etag: string | null) => {
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
    if (etag) headers["If-Match"] = etag;
    const signal = sessionSignal();
    const response = await api(`${ws(id)}/file?${q(path)}`, {
      method: "PUT",
      headers,
      body: text,
      signal,
    });
    signal.throwIfAborted();
    return response.headers.get("ETag") ?? "";
  },
  mkdir: (id: string, path: string) => apiJson(`${ws(id)}/folder?${q(path)}`, { method: "POST" }),
  remove: (id: string, path: string) => apiJson(`${ws(id)}/file?${q(path)}`, { method: "DELETE" }),
  move: (id: string, from: string, to: string) =>
    apiJson(`${ws(id)}/move`, { method: "POST", body: JSON.stringify({ from, to }) }),
};
