import { backoffDelay } from "./backoff";
import { parseServerFrame, SUBPROTOCOL, type ClientFrame, type ServerFrame } from "./protocol";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "unauthorized" | "closed";

/** The part of the browser WebSocket this class uses, so tests can stand in for it. */
export interface SocketLike {
  readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  /** ws(s)://host/ws/chat */
  url: string;
  token: () => string | null;
  onFrame: (frame: ServerFrame) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The turns to resume after a reconnect. */
  unfinished: () => { turnId: string; lastSeq: number }[];
  createSocket?: (url: string, protocol: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  random?: () => number;
}

const OPEN = 1;

/**
 * The browser's chat connection. It reconnects with backoff after a drop, joins its
 * conversations again, resumes every unfinished turn from its last seq, and re-sends prompts the
 * server has not accepted yet (their clientMsgId makes that safe). A 1008 close (bad or expired
 * token) stops it: the user has to sign in again.
 */
export class ChatConnection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private stopped = false;
  private timer: unknown = null;
  private readonly joined = new Set<string>();
  private readonly unaccepted = new Map<string, ClientFrame>();
  private readonly options: Required<ConnectionOptions>;

  constructor(options: ConnectionOptions) {
    this.options = {
      createSocket: (url, protocol) => new WebSocket(url, protocol) as unknown as SocketLike,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...options,
    };
  }

  connect(): void {
    if (this.stopped || this.socket) return;
    const token = this.options.token();
    if (!token) {
      this.options.onStatus("unauthorized");
      return;
    }
    this.options.onStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = this.options.createSocket(
      `${this.options.url}?access_token=${encodeURIComponent(token)}`,
      SUBPROTOCOL,
    );
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onStatus("open");
      for (const conversationId of this.joined) this.raw({ type: "join", conversationId });
      for (const { turnId, lastSeq } of this.options.unfinished()) {
        this.raw({ type: "resume", turnId, lastSeq });
      }
      for (const prompt of this.unaccepted.values()) this.raw(prompt);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return; // closed (signed out): nothing more reaches the app
      const frame = parseServerFrame(event.data);
      if (!frame) return;
      if (frame.type === "ping") {
        this.raw({ type: "pong", ts: frame.ts });
        return;
      }
      if (frame.type === "accepted") this.unaccepted.delete(frame.clientMsgId);
      this.options.onFrame(frame);
    };
    socket.onerror = () => {
      // onclose follows and decides
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (event.code === 1008) {
        this.options.onStatus("unauthorized");
        return;
      }
      this.options.onStatus("reconnecting");
      const delay = backoffDelay(this.attempt++, this.options.random);
      this.timer = this.options.setTimer(() => {
        this.timer = null;
        this.connect();
      }, delay);
    };
  }

  /** Watches a conversation (again after every reconnect). */
  join(conversationId: string): void {
    this.joined.add(conversationId);
    this.raw({ type: "join", conversationId });
  }

  /** Sends a prompt now or, while disconnected, as soon as the connection is back. */
  prompt(frame: Extract<ClientFrame, { type: "prompt" }>): void {
    this.unaccepted.set(frame.clientMsgId, frame);
    this.raw(frame);
  }

  cancel(turnId: string): void {
    this.raw({ type: "cancel", turnId });
  }

  /** Asks for everything after lastSeq (after a gap, or for a turn seen in history). */
  resume(turnId: string, lastSeq: number): void {
    this.raw({ type: "resume", turnId, lastSeq });
  }

  /** Closes the socket as a network drop would (it reconnects and resumes); for tests and tools. */
  drop(): void {
    this.socket?.close(4000, "dropped");
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== null) this.options.clearTimer(this.timer);
    this.socket?.close(1000, "bye");
    this.socket = null;
    this.options.onStatus("closed");
  }

  private raw(frame: ClientFrame): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }
}
