import type { ServerFrame } from "./protocol";

export type TurnStatus = "queued" | "streaming" | "done" | "error" | "cancelled";

/** One assistant answer as the client has assembled it from the turn's events. */
export interface Turn {
  turnId: string;
  conversationId: string;
  clientMsgId?: string;
  text: string;
  /** The last seq applied; every event with a seq at or below it is a duplicate. */
  lastSeq: number;
  status: TurnStatus;
  error?: { code: string; message: string };
  /** How often a worker restarted the answer (each restart cleared the partial text). */
  restarts: number;
  /** A seq was skipped: the connection must resume from lastSeq. */
  gap: boolean;
  /** The answer was replayed from the answer cache (its done frame said so). */
  cached?: boolean;
}

export interface StreamState {
  turns: Record<string, Turn>;
}

export const emptyState: StreamState = { turns: {} };

const FINAL = new Set<TurnStatus>(["done", "error", "cancelled"]);

export function isFinished(turn: Turn): boolean {
  return FINAL.has(turn.status);
}

/** The turns to resume after a reconnect: unfinished ones, from their last seq. */
export function unfinished(state: StreamState): { turnId: string; lastSeq: number }[] {
  return Object.values(state.turns)
    .filter((t) => !isFinished(t))
    .map((t) => ({ turnId: t.turnId, lastSeq: t.lastSeq }));
}

/** Starts tracking a turn the client knows of from history or another source. */
export function track(state: StreamState, turnId: string, conversationId: string): StreamState {
  if (state.turns[turnId]) return state;
  return { turns: { ...state.turns, [turnId]: newTurn(turnId, conversationId) } };
}

function newTurn(turnId: string, conversationId: string): Turn {
  return {
    turnId,
    conversationId,
    text: "",
    lastSeq: 0,
    status: "streaming",
    restarts: 0,
    gap: false,
  };
}

/**
 * Applies one server event. Events arrive at most once in effect: a seq at or below lastSeq is
 * dropped (a resume replays what was already shown), and a seq beyond lastSeq + 1 is not applied
 * but flags a gap, so the caller resumes from lastSeq instead of showing a hole.
 */
export function reduce(state: StreamState, frame: ServerFrame): StreamState {
  switch (frame.type) {
    case "accepted": {
      const existing = state.turns[frame.turnId];
      const turn: Turn = existing
        ? { ...existing, clientMsgId: frame.clientMsgId }
        : {
            ...newTurn(frame.turnId, frame.conversationId),
            clientMsgId: frame.clientMsgId,
            status: frame.queued ? "queued" : "streaming",
          };
      return put(state, turn);
    }
    case "delta":
    case "done":
    case "cancelled":
    case "restart":
      return applySeq(state, frame.turnId, frame.seq, frame);
    case "error": {
      if (!frame.turnId) return state; // a frame-level error
      if (frame.seq !== undefined) return applySeq(state, frame.turnId, frame.seq, frame);
      // Outside the turn's sequence: a resume of an answer that is no longer kept. It ends the
      // turn (unless it already ended) rather than leaving it streaming forever.
      const turn = state.turns[frame.turnId];
      if (!turn || FINAL.has(turn.status)) return state;
      return put(state, {
        ...turn,
        status: "error",
        gap: false,
        error: { code: frame.code, message: frame.message },
      });
    }
    default:
      return state;
  }
}

function applySeq(
  state: StreamState,
  turnId: string,
  seq: number,
  frame: ServerFrame,
): StreamState {
  const turn = state.turns[turnId] ?? newTurn(turnId, "");
  if (seq <= turn.lastSeq) return state;
  if (seq > turn.lastSeq + 1) {
    return turn.gap ? state : put(state, { ...turn, gap: true });
  }
  const next: Turn = { ...turn, lastSeq: seq, gap: false };
  switch (frame.type) {
    case "delta":
      next.text = turn.text + frame.text;
      next.status = "streaming";
      break;
    case "done":
      next.status = "done";
      if (frame.usage?.cached === true) next.cached = true;
      break;
    case "cancelled":
      next.status = "cancelled";
      break;
    case "restart":
      next.text = "";
      next.status = "streaming";
      next.restarts = turn.restarts + 1;
      break;
    case "error":
      next.status = "error";
      next.error = { code: frame.code, message: frame.message };
      break;
  }
  return put(state, next);
}

function put(state: StreamState, turn: Turn): StreamState {
  return { turns: { ...state.turns, [turn.turnId]: turn } };
}
