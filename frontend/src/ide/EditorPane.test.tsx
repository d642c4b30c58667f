import { act, createElement } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { EditorPane } from "./EditorPane";
import { ideStore, type Tab } from "./ideStore";

// Monaco does not run in jsdom: the diff view's right side is a plain text area here.
vi.mock("../monaco/MonacoHost", () => ({
  default: () => null,
  disposeModel: () => {},
  DiffHost: (props: { modified: string; onModifiedChange?: (text: string) => void }) =>
    createElement("textarea", {
      "data-testid": "mine",
      defaultValue: props.modified,
      onInput: (e: { currentTarget: HTMLTextAreaElement }) =>
        props.onModifiedChange?.(e.currentTarget.value),
    }),
}));

async function until<T>(find: () => T | null | undefined, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
}

const inConflict = (path: string): Tab => ({
  path,
  text: `${path}: mine\n`,
  savedText: `${path}: theirs\n`,
  etag: '"v1"',
  mode: "normal",
  saving: false,
  conflict: { serverText: `${path}: theirs\n`, serverEtag: '"v2"' },
});

describe("the conflict view", () => {
  afterEach(() => {
    setSession(null);
    vi.unstubAllGlobals();
  });

  it("keeps each file's merged text apart", async () => {
    const saved: Record<string, string> = {};
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit = {}) => {
        saved[new URL(url, "http://x").searchParams.get("path")!] = String(init.body);
        return new Response(null, { status: 204, headers: { ETag: '"v3"' } });
      }),
    );
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 60_000 });
    ideStore.set((s) => ({
      ...s,
      workspaceId: "w1",
      tabs: [inConflict("a.py"), inConflict("b.py")],
      active: "a.py",
    }));
    const host = document.createElement("div");
    const root = createRoot(host);
    await act(async () => root.render(<EditorPane />));
    const button = (name: string) =>
      [...host.querySelectorAll("button")].find((b) => b.textContent === name)!;
    const tabOf = (path: string) =>
      host.querySelector<HTMLElement>(`[role="tab"][title="${path}"]`)!;

    // Merge a.py on the right side, then keep b.py's own text.
    const mine = await until(() => host.querySelector<HTMLTextAreaElement>('[data-testid="mine"]'));
    mine.value = "a.py: merged\n";
    act(() => mine.dispatchEvent(new Event("input", { bubbles: true })));
    act(() => tabOf("b.py").click());
    await until(
      () =>
        host.querySelector<HTMLTextAreaElement>('[data-testid="mine"]')?.value === "b.py: mine\n",
    );
    await act(async () => button("Keep mine").click());
    await until(() => saved["b.py"]);
    expect(saved["b.py"]).toBe("b.py: mine\n");

    // Back on a.py the merge is still there, and it is what "Keep mine" saves.
    act(() => tabOf("a.py").click());
    const again = await until(() =>
      host.querySelector<HTMLTextAreaElement>('[data-testid="mine"]'),
    );
    expect(again.value).toBe("a.py: merged\n");
    await act(async () => button("Keep mine").click());
    await until(() => saved["a.py"]);
    expect(saved["a.py"]).toBe("a.py: merged\n");
    act(() => root.unmount());
  });
});
