import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../api/client";
import { setSession } from "../auth/session";
import { ChatPanel } from "./ChatPanel";
import { chatStore, connect, resetChat } from "./chatStore";
import type { ServerFrame } from "./protocol";

// Render counters: the panel counts through its render-time hook (called once per render), each
// answer through the Markdown it renders (once per render of the answer).
const renders = vi.hoisted(() => ({ panel: 0, answers: new Map<string, number>() }));
vi.mock("../performance/renderTime", () => ({
  useRenderTime: () => {
    renders.panel++;
  },
}));
vi.mock("./Markdown", () => ({
  Markdown: ({ text }: { text: string }) => {
    const key = text.split(" ")[0] || "(empty)";
    renders.answers.set(key, (renders.answers.get(key) ?? 0) + 1);
    return <div className="markdown">{text}</div>;
  },
}));

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
const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });

/** The gateway as far as the panel uses it: the conversation list, rename, share, delete. */
let server: {
  conversations: Conversation[];
  teams: { id: string; name: string }[];
  calls: { method: string; url: string; body?: unknown }[];
};

describe("the chat panel", () => {
  beforeEach(async () => {
    localStorage.clear();
    renders.panel = 0;
    renders.answers.clear();
    server = { conversations: [], teams: [{ id: "t1", name: "core" }], calls: [] };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        const method = init?.method ?? "GET";
        const body = init?.body ? (JSON.parse(init.body as string) as unknown) : undefined;
        server.calls.push({ method, url, body });
        if (url.startsWith("/api/conversations?")) return json(server.conversations);
        if (url === "/api/me") return json({ teams: server.teams });
        const id = /^\/api\/conversations\/([^/?]+)$/.exec(url)?.[1];
        if (id && method === "PATCH") {
          const patch = body as { title?: string; teamId?: string };
          server.conversations = server.conversations.map((c) =>
            c.id !== id
              ? c
              : {
                  ...c,
                  ...(patch.title ? { title: patch.title } : {}),
                  ...(patch.teamId !== undefined ? { team: patch.teamId || null } : {}),
                },
          );
          return json({});
        }
        if (id && method === "DELETE") {
          server.conversations = server.conversations.filter((c) => c.id !== id);
          return new Response(null, { status: 204 });
        }
        return new Response(null, { status: 404 });
      }),
    );
    vi.stubGlobal("WebSocket", FakeWebSocket);
    setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 3_600_000 });
    connect();
    socket().open();
    await act(async () => render(<ChatPanel />));
  });

  afterEach(() => {
    cleanup();
    resetChat();
    setSession(null);
    localStorage.clear();
    vi.unstubAllGlobals();
  });

  /** Sends a question; the server titles a new conversation from it and accepts it. */
  async function ask(question: string, turnId: string) {
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Message" }), `${question}{Enter}`);
    const prompt = socket()
      .sent.filter((f) => f.type === "prompt")
      .at(-1)!;
    const conversationId = prompt.conversationId as string;
    if (!server.conversations.some((c) => c.id === conversationId))
      server.conversations.unshift({
        id: conversationId,
        title: question.split("\n")[0],
        updatedAt: Date.now(),
        owner: "ann",
        team: null,
      });
    socket().receive({
      type: "accepted",
      clientMsgId: prompt.clientMsgId as string,
      turnId,
      conversationId,
      queued: false,
    });
    return prompt;
  }

  function finish(turnId: string, seq: number, usage: { cached?: boolean } = {}) {
    socket().receive({
      type: "done",
      turnId,
      seq,
      usage: { inputTokens: 5, outputTokens: 1, ...usage },
    });
  }

  const toggle = () => screen.getByRole("button", { name: /^Conversation:/ });

  it("a token re-renders only its answer, not the panel nor the other answers", async () => {
    await ask("first", "t1");
    socket().receive({ type: "delta", turnId: "t1", seq: 1, text: "one " });
    finish("t1", 2);
    await ask("second", "t2");
    await waitFor(() => expect(toggle().textContent).toContain("first"));

    const panelBefore = renders.panel;
    const firstBefore = renders.answers.get("one") ?? 0;
    for (let seq = 1; seq <= 40; seq++)
      socket().receive({ type: "delta", turnId: "t2", seq, text: `two${seq} ` });

    expect(screen.getAllByTestId("answer")[1].textContent).toContain("two40");
    expect(renders.panel - panelBefore).toBe(0);
    expect(renders.answers.get("one")).toBe(firstBefore);
    expect(renders.answers.get("two1")).toBe(40); // its first token and each one after
    expect(screen.getByRole("button", { name: "Stop" })).toBeTruthy();

    finish("t2", 41);
    expect(screen.queryByRole("button", { name: "Stop" })).toBeNull();
    expect(renders.panel - panelBefore).toBe(1); // Stop became Regenerate: the panel shows that
  });

  it("a new conversation is titled from its first prompt once the server accepted it", async () => {
    expect(toggle().textContent).toContain("Choose a conversation");
    await ask("Explain hello.py\nin detail", "t1");
    await waitFor(() => expect(toggle().textContent).toContain("Explain hello.py"));
    expect(screen.queryByText("(this conversation)")).toBeNull();
  });

  it("renames inline: Enter saves, Escape keeps the old title", async () => {
    const user = userEvent.setup();
    await ask("Explain hello.py", "t1");
    await waitFor(() => expect(toggle().textContent).toContain("Explain hello.py"));
    const prompt = vi.spyOn(window, "prompt");

    await user.click(screen.getByRole("button", { name: "Rename conversation" }));
    const field = screen.getByRole("textbox", { name: "Conversation title" });
    expect(document.activeElement).toBe(field);
    await user.clear(field);
    await user.type(field, "Not this{Escape}");
    expect(toggle().textContent).toContain("Explain hello.py");
    expect(server.calls.filter((c) => c.method === "PATCH")).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Rename conversation" }));
    await user.clear(screen.getByRole("textbox", { name: "Conversation title" }));
    await user.type(screen.getByRole("textbox", { name: "Conversation title" }), "Hello{Enter}");
    await waitFor(() => expect(toggle().textContent).toContain("Hello"));
    expect(server.calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([
      { title: "Hello" },
    ]);
    expect(prompt).not.toHaveBeenCalled();
  });

  it("deletes only after the dialog is confirmed", async () => {
    const user = userEvent.setup();
    const confirm = vi.spyOn(window, "confirm");
    await ask("Explain hello.py", "t1");
    await waitFor(() => expect(toggle().textContent).toContain("Explain hello.py"));

    await user.click(screen.getByRole("button", { name: "Delete conversation" }));
    let dialog = screen.getByRole("dialog", { name: "Delete this conversation?" });
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancel" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(server.calls.some((c) => c.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Delete conversation" }));
    dialog = screen.getByRole("dialog", { name: "Delete this conversation?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(toggle().textContent).toContain("Choose a conversation"));
    expect(server.calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
    expect(confirm).not.toHaveBeenCalled();
  });

  it("asks which team to share with when there are several", async () => {
    const user = userEvent.setup();
    server.teams = [
      { id: "t1", name: "core" },
      { id: "t2", name: "web" },
    ];
    await ask("Explain hello.py", "t1");
    await waitFor(() => expect(toggle().textContent).toContain("Explain hello.py"));

    await user.click(screen.getByRole("button", { name: "Share conversation" }));
    const dialog = await screen.findByRole("dialog", { name: "Share with a team" });
    await user.click(within(dialog).getByRole("radio", { name: "web" }));
    await user.click(within(dialog).getByRole("button", { name: "Share" }));
    await screen.findByRole("button", { name: "Unshare conversation" });
    expect(server.calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([
      { teamId: "t2" },
    ]);
  });

  it("marks an answer the done frame says came from the cache, and not a model's answer", async () => {
    await ask("what is 2 + 2?", "t1");
    socket().receive({ type: "delta", turnId: "t1", seq: 1, text: "4" });
    finish("t1", 2);
    await ask("what is 2 + 2?", "t2");
    socket().receive({ type: "delta", turnId: "t2", seq: 1, text: "4" });
    finish("t2", 2, { cached: true });

    const [fresh, replayed] = screen.getAllByTestId("answer");
    expect(fresh.dataset.status).toBe("done");
    expect(fresh.textContent).not.toContain("from cache");
    expect(replayed.dataset.status).toBe("done");
    expect(replayed.querySelector(".meta.cached")?.textContent).toBe("from cache");
  });

  it("the options menu's Reuse answers box opts the conversation in: its prompts carry cache: true", async () => {
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "New conversation" }));
    await user.click(screen.getByRole("button", { name: "Conversation options" }));
    const box = screen.getByRole("checkbox", { name: "Reuse answers" });
    expect(box.closest("label")!.title).toContain("temperature 0");
    expect((box as HTMLInputElement).checked).toBe(false);

    const before = await ask("first", "t1");
    await user.click(screen.getByRole("button", { name: "Conversation options" }));
    await user.click(screen.getByRole("checkbox", { name: "Reuse answers" }));
    const after = await ask("second", "t2");

    expect(before).not.toHaveProperty("cache");
    expect(after).toMatchObject({ conversationId: chatStore.get().conversationId, cache: true });
  });
});
