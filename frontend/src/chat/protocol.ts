// The chat wire protocol, version 1 (DESIGN section 2): one JSON object per text frame.

export const SUBPROTOCOL = "aicoder.v1.json";

/** The most workspace files one prompt may attach (services/protocol Limits.MAX_CONTEXT_FILES). */
export const MAX_CONTEXT_FILES = 20;

export interface ContextRef {
  path: string;
  workspaceId: string;
}

export type ClientFrame =
  | { type: "join"; conversationId: string }
  | {
      type: "prompt";
      conversationId: string;
      clientMsgId: string;
      text: string;
      context?: ContextRef[];
      /** Opts this prompt in to the answer cache (sent only when true; the server caches only temperature-0 requests). */
      cache?: boolean;
    }
  | { type: "resume"; turnId: string; lastSeq: number }
  | { type: "cancel"; turnId: string }
  | { type: "ping"; ts: number }
  | { type: "pong"; ts: number };

export type ServerFrame =
  | {
      type: "accepted";
      clientMsgId: string;
      turnId: string;
      conversationId: string;
      queued: boolean;
    }
  | { type: "delta"; turnId: string; seq: number; text: string }
  | {
      type: "done";
      turnId: string;
      seq: number;
      /** `cached`: the answer was replayed from the answer cache (left out when false). */
      usage?: { inputTokens: number; outputTokens: number; cached?: boolean };
    }
  | { type: "error"; turnId?: string; seq?: number; code: string; message: string }
  | { type: "cancelled"; turnId: string; seq: number }
  | { type: "restart"; turnId: string; seq: number }
  | { type: "ping"; ts: number }
  | { type: "pong"; ts: number };

const SERVER_TYPES = new Set([
  "accepted",
  "delta",
  "done",
  "error",
  "cancelled",
  "restart",
  "ping",
  "pong",
]);

/** Parses a text frame; null for anything that is not a server frame of this version. */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  try {
    const value: unknown = JSON.parse(data);
    if (
      typeof value === "object" &&
      value !== null &&
      SERVER_TYPES.has((value as { type?: unknown }).type as string)
    ) {
      return value as ServerFrame;
    }
  } catch {
    // not JSON: ignored like an unknown frame
  }
  return null;
}
