import { afterEach, describe, expect, it, vi } from "vitest";
import { setSession, type Session } from "./auth/session";
import { chatStore, connect, openConversation } from "./chat/chatStore";
import { edit, ideStore, openFile, openWorkspace } from "./ide/ideStore";

const session = (username: string): Session => ({
  token: `${username}-token`,
  username,
  role: username === "admin" ? "admin" : "member",
  expiresAt: Date.now() + 3_600_000,
});

/** Stands in for the browser's WebSocket: remembers what was opened and closed. */
class FakeWebSocket {
  static opened: FakeWebSocket[] = [];
  readyState = 0;
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.opened.push(this);
  }
  send() {}
  close() {
    this.closed = true;
    this.readyState = 3;
  }
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });

/** The admin's data as the gateway answers it; `hang` never answers until the request is aborted. */
function adminGateway(requests: { method: string; url: string }[]) {
  return vi.fn(async (url: string, init: RequestInit = {}) => {
    requests.push({ method: init.method ?? "GET", url });
    if (url.includes("/tree?")) {
      const entry = { name: "secret.py", path: "secret.py", type: "file", size: 9, modified: 1 };
      return json({ entries: [entry], nextCursor: null });
    }
    if (url.includes("path=secret.py")) {
      return new Response("print(1)\n", { headers: { ETag: '"v1"', "X-File-Size": "9" } });
    }
    if (url.includes("/messages?")) {
      return json({
        messages: [
          { id: "m2", turnId: "t1", role: "assistant", text: "admin's answer", createdAtMs: 2 },
          { id: "m1", turnId: "t1", role: "user", text: "admin's question", createdAtMs: 1 },
        ],
        nextCursor: null,
      });
    }
    if (url.includes("path=slow.py")) {
      return new Promise<Response>((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    }
    return new Response(null, { status: 404 });
  });
}

describe("the end of a session", () => {
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
    FakeWebSocket.opened = [];
  });

  it("drops the tree, tabs, conversation, socket and pending saves before the next user", async () => {
    vi.useFakeTimers();
    const requests: { method: string; url: string }[] = [];
    vi.stubGlobal("fetch", adminGateway(requests));
    vi.stubGlobal("WebSocket", FakeWebSocket);
    setSession(session("admin"));
    connect();
    await openWorkspace("w1");
    await openFile("secret.py");
    await openConversation("c1");
    edit("secret.py", "print('unsaved')\n"); // an autosave is waiting
    const late = openFile("slow.py"); // an answer still on its way
    expect(ideStore.get().children[""]).toHaveLength(1);
    expect(ideStore.get().tabs).toHaveLength(1);
    expect(chatStore.get().items.c1).toHaveLength(2);

    setSession(null);
    await expect(late).rejects.toThrow();
    setSession(session("bob"));
    await vi.advanceTimersByTimeAsync(5_000);

    expect(ideStore.get()).toMatchObject({
      workspaceId: null,
      children: {},
      tabs: [],
      active: null,
    });
    expect(chatStore.get()).toMatchObject({ conversationId: null, items: {}, conversations: [] });
    expect(chatStore.get().stream.turns).toEqual({});
    expect(FakeWebSocket.opened.every((s) => s.closed)).toBe(true);
    expect(requests.filter((r) => r.method === "PUT")).toEqual([]);
    expect(ideStore.get().tabs.find((t) => t.path === "slow.py")).toBeUndefined();
  });

  it("happens also when another user signs in on the tab without signing out", async () => {
    vi.stubGlobal("fetch", adminGateway([]));
    setSession(session("admin"));
    await openWorkspace("w1");
    await openConversation("c1");
    setSession(session("bob"));
    expect(ideStore.get().children).toEqual({});
    expect(chatStore.get().items).toEqual({});
  });
});
