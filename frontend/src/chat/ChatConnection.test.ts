import { describe, expect, it } from "vitest";
import { ChatConnection, type ConnectionStatus, type SocketLike } from "./ChatConnection";
import type { ServerFrame } from "./protocol";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
}

function setup(unfinished: { turnId: string; lastSeq: number }[] = []) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const statuses: ConnectionStatus[] = [];
  const frames: ServerFrame[] = [];
  const connection = new ChatConnection({
    url: "ws://host/ws/chat",
    token: () => "tok en",
    onFrame: (f) => frames.push(f),
    onStatus: (s) => statuses.push(s),
    unfinished: () => unfinished,
    createSocket: (url, protocol) => {
      const s = new FakeSocket(url, protocol);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 1,
  });
  return { connection, sockets, timers, statuses, frames };
}

describe("chat connection", () => {
  it("connects with the token and the JSON subprotocol and answers pings", () => {
    const { connection, sockets, frames } = setup();
    connection.connect();
    expect(sockets[0].url).toBe("ws://host/ws/chat?access_token=tok%20en");
    expect(sockets[0].protocol).toBe("aicoder.v1.json");
    sockets[0].open();
    sockets[0].receive({ type: "ping", ts: 7 });
    expect(sockets[0].sent).toEqual([{ type: "pong", ts: 7 }]);
    sockets[0].receive({ type: "delta", turnId: "t", seq: 1, text: "x" });
    sockets[0].onmessage?.({ data: "not json" });
    expect(frames).toEqual([{ type: "delta", turnId: "t", seq: 1, text: "x" }]);
  });

  it("reconnects with growing delays, rejoins, resumes unfinished turns and re-sends unaccepted prompts", () => {
    const { connection, sockets, timers, statuses } = setup([{ turnId: "t1", lastSeq: 41 }]);
    connection.connect();
    sockets[0].open();
    connection.join("conv");
    connection.prompt({ type: "prompt", conversationId: "conv", clientMsgId: "m1", text: "hi" });
    connection.prompt({ type: "prompt", conversationId: "conv", clientMsgId: "m2", text: "again" });
    sockets[0].receive({
      type: "accepted",
      clientMsgId: "m1",
      turnId: "t1",
      conversationId: "conv",
      queued: false,
    });
    sockets[0].drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(timers.map((t) => t.ms)).toEqual([250]);
    timers[0].fn();
    sockets[1].drop();
    expect(timers.map((t) => t.ms)).toEqual([250, 500]);
    timers[1].fn();
    sockets[2].open();
    expect(sockets[2].sent).toEqual([
      { type: "join", conversationId: "conv" },
      { type: "resume", turnId: "t1", lastSeq: 41 },
      { type: "prompt", conversationId: "conv", clientMsgId: "m2", text: "again" },
    ]);
    expect(statuses.at(-1)).toBe("open");
  });

  it("stops on a policy close: the token is no longer valid", () => {
    const { connection, sockets, timers, statuses } = setup();
    connection.connect();
    sockets[0].open();
    sockets[0].drop(1008);
    expect(statuses.at(-1)).toBe("unauthorized");
    expect(timers).toEqual([]);
  });

  it("close stops reconnecting", () => {
    const { connection, sockets, timers } = setup();
    connection.connect();
    connection.close();
    sockets[0].drop();
    expect(timers).toEqual([]);
  });
});
