import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { ideStore } from "../ide/ideStore";
import {
  chatStore,
  connect,
  newConversation,
  openConversation,
  resetChat,
  send,
  setReuseAnswers,
} from "./chatStore";
import { MAX_CONTEXT_FILES } from "./protocol";

/** Stands in for the browser's WebSocket: opens at once and keeps the frames sent. */
class FakeWebSocket {
  static last: FakeWebSocket | null = null;
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
}

function prompts() {
  return FakeWebSocket.last!.sent.filter((f) => f.type === "prompt");
}

describe("sending a prompt with @mentioned files", () => {
  const fetches: string[] = [];

  beforeEach(() => {
    fetches.length = 0;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        fetches.push(url);
        return new Response("file text that must not be pasted", { status: 200 });
      }),
    );
    vi.stubGlobal("WebSocket", FakeWebSocket);
    setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 3_600_000 });
    ideStore.set((s) => ({ ...s, workspaceId: "w1" }));
    connect();
    FakeWebSocket.last!.open();
  });

  afterEach(() => {
    resetChat();
    setSession(null);
    vi.unstubAllGlobals();
  });

  it("sends the files as references, each once, and the text as typed", async () => {
    const text = "compare @src/a.py with @lib/b.ts, and @src/a.py again";
    await send(text);

    expect(prompts()).toHaveLength(1);
    expect(prompts()[0]).toMatchObject({
      text,
      context: [
        { path: "src/a.py", workspaceId: "w1" },
        { path: "lib/b.ts", workspaceId: "w1" },
      ],
    });
    expect(fetches.filter((u) => u.includes("/file"))).toEqual([]);
  });

  it("attaches at most the protocol's number of files", async () => {
    const text = Array.from({ length: 30 }, (_, i) => `@f${i}.txt`).join(" ");
    await send(text);

    const context = prompts()[0].context as { path: string }[];
    expect(context).toHaveLength(MAX_CONTEXT_FILES);
    expect(context[0].path).toBe("f0.txt");
    expect(prompts()[0].text).toBe(text);
  });

  it("attaches nothing without an open workspace", async () => {
    ideStore.set((s) => ({ ...s, workspaceId: null }));
    await send("look at @a.py");
    expect(prompts()[0]).toMatchObject({ text: "look at @a.py", context: [] });
  });
});

describe("the per-conversation answer-cache opt-in", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(null, { status: 404 })),
    );
    vi.stubGlobal("WebSocket", FakeWebSocket);
    setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 3_600_000 });
    connect();
    FakeWebSocket.last!.open();
  });

  afterEach(() => {
    resetChat();
    setSession(null);
    localStorage.clear();
    vi.unstubAllGlobals();
  });

  it("is off by default: the prompt carries no cache field", async () => {
    newConversation();
    await send("what is 2 + 2?");
    expect(prompts()[0]).not.toHaveProperty("cache");
  });

  it("marks the prompts of an opted-in conversation, and only those", async () => {
    newConversation();
    const opted = chatStore.get().conversationId!;
    setReuseAnswers(opted, true);
    await send("what is 2 + 2?");
    newConversation();
    await send("what is 3 + 3?");

    expect(prompts().map((p) => [p.conversationId, p.cache])).toEqual([
      [opted, true],
      [chatStore.get().conversationId, undefined],
    ]);
  });

  it("is remembered per conversation across a reload, and can be turned off again", async () => {
    setReuseAnswers("c-on", true);
    resetChat(); // a reload: the store starts empty
    connect();
    FakeWebSocket.last!.open();

    await openConversation("c-off");
    await send("a");
    await openConversation("c-on");
    await send("b");
    setReuseAnswers("c-on", false);
    await send("c");

    expect(prompts().map((p) => [p.conversationId, p.cache])).toEqual([
      ["c-off", undefined],
      ["c-on", true],
      ["c-on", undefined],
    ]);
    expect(localStorage.getItem("aicoder.reuseAnswers.ann")).toBeNull();
  });
});
