import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { ChatPanel } from "./ChatPanel";
import { chatStore, connect, resetChat } from "./chatStore";
import type { ServerFrame } from "./protocol";

/** Stands in for the browser's WebSocket: keeps what the app sent, delivers what the test sends. */
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
  receive(frame: ServerFrame) {
    act(() => this.onmessage?.({ data: JSON.stringify(frame) }));
  }
}

const socket = () => FakeWebSocket.last!;

describe("the chat panel and the answer cache", () => {
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    localStorage.clear();
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) =>
        url.startsWith("/api/conversations?")
          ? new Response("[]", { headers: { "Content-Type": "application/json" } })
          : new Response(null, { status: 404 }),
      ),
    );
    vi.stubGlobal("WebSocket", FakeWebSocket);
    setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 3_600_000 });
    connect();
    socket().open();
    host = document.createElement("div");
    root = createRoot(host);
    await act(async () => root.render(<ChatPanel />));
  });

  afterEach(() => {
    act(() => root.unmount());
    resetChat();
    setSession(null);
    localStorage.clear();
    vi.unstubAllGlobals();
  });

  const button = (name: string) =>
    [...host.querySelectorAll("button")].find((b) => b.textContent === name)!;

  /** Types a question, sends it, and answers it with one delta and the given done frame. */
  async function ask(question: string, turnId: string, usage: { cached?: boolean }) {
    const box = host.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
    act(() => {
      setValue.call(box, question);
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => button("Send").click());
    const prompt = socket()
      .sent.filter((f) => f.type === "prompt")
      .at(-1)!;
    const conversationId = prompt.conversationId as string;
    const clientMsgId = prompt.clientMsgId as string;
    socket().receive({ type: "accepted", clientMsgId, turnId, conversationId, queued: false });
    socket().receive({ type: "delta", turnId, seq: 1, text: "4" });
    socket().receive({
      type: "done",
      turnId,
      seq: 2,
      usage: { inputTokens: 5, outputTokens: 1, ...usage },
    });
    return prompt;
  }

  const answers = () => [...host.querySelectorAll<HTMLElement>('[data-testid="answer"]')];

  it("marks an answer the done frame says came from the cache, and not a model's answer", async () => {
    await ask("what is 2 + 2?", "t1", {});
    await ask("what is 2 + 2?", "t2", { cached: true });

    const [fresh, replayed] = answers();
    expect(fresh.dataset.status).toBe("done");
    expect(fresh.textContent).not.toContain("from cache");
    expect(replayed.dataset.status).toBe("done");
    expect(replayed.querySelector(".meta.cached")?.textContent).toBe("from cache");
  });

  it("the header's Reuse answers box opts the conversation in: its prompts carry cache: true", async () => {
    act(() => button("New").click());
    const reuse = [...host.querySelectorAll("label")].find(
      (l) => l.textContent === "Reuse answers",
    )!;
    expect(reuse.title).toContain("temperature 0");
    const box = reuse.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(box.checked).toBe(false);

    const before = await ask("first", "t1", {});
    act(() => box.click());
    expect(box.checked).toBe(true);
    const after = await ask("second", "t2", {});

    expect(before).not.toHaveProperty("cache");
    expect(after).toMatchObject({ conversationId: chatStore.get().conversationId, cache: true });
  });
});
