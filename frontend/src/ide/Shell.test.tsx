import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { HelpOverlay } from "../ui/HelpOverlay";
import { SHORTCUTS } from "../ui/shortcuts";
import { setTheme, themeStore } from "../ui/theme";
import { ideStore } from "./ideStore";
import { QuickOpen } from "./QuickOpen";
import { SearchPanel } from "./SearchPanel";
import { StatusBar } from "./StatusBar";

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });

/** A workspace of folders answered by the tree API. */
const TREE: Record<string, { name: string; path: string; type: "dir" | "file" }[]> = {
  "": [
    { name: "src", path: "src", type: "dir" },
    { name: "node_modules", path: "node_modules", type: "dir" },
    { name: "README.md", path: "README.md", type: "file" },
  ],
  src: [
    { name: "app", path: "src/app", type: "dir" },
    { name: "main.ts", path: "src/main.ts", type: "file" },
  ],
  "src/app": [{ name: "WorkspaceStore.ts", path: "src/app/WorkspaceStore.ts", type: "file" }],
  node_modules: [{ name: "junk.js", path: "node_modules/junk.js", type: "file" }],
};

beforeEach(() => {
  setSession({ token: "t", username: "ada", role: "member", expiresAt: Date.now() + 60_000 });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

describe("quick open", () => {
  it("lists the workspace's files (not node_modules) and opens the fuzzy match with Enter", async () => {
    const asked: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        const path = new URL(url, "http://x").searchParams.get("path") ?? "";
        asked.push(path);
        return json({ entries: TREE[path] ?? [], nextCursor: null });
      }),
    );
    const onOpen = vi.fn();
    render(<QuickOpen workspaceId="w1" onOpen={onOpen} onClose={() => {}} />);
    await screen.findByText("3 files");
    expect(asked).not.toContain("node_modules");
    const input = screen.getByRole("combobox", { name: "File name" });
    expect(document.activeElement).toBe(input);
    await userEvent.type(input, "wss");
    const options = screen.getAllByRole("option");
    expect(options[0].textContent).toContain("WorkspaceStore.ts");
    await userEvent.keyboard("{Enter}");
    expect(onOpen).toHaveBeenCalledWith("src/app/WorkspaceStore.ts");
  });

  it("closes on Escape", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ entries: [], nextCursor: null })),
    );
    const onClose = vi.fn();
    render(<QuickOpen workspaceId="w1" onOpen={() => {}} onClose={onClose} />);
    await screen.findByText("0 files");
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });
});

describe("search panel", () => {
  it("shows matches as the server streams them, grouped by file, and a summary", async () => {
    let push: (line: string) => void = () => {};
    let end: () => void = () => {};
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        expect(url).toContain("/api/workspaces/w1/search?q=needle");
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            const enc = new TextEncoder();
            push = (line) => controller.enqueue(enc.encode(line));
            end = () => controller.close();
          },
        });
        return new Response(body, { headers: { "Content-Type": "application/x-ndjson" } });
      }),
    );
    ideStore.set((s) => ({ ...s, workspaceId: "w1" }));
    render(<SearchPanel />);
    await userEvent.type(screen.getByRole("searchbox", { name: "Search in files" }), "needle");
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    // The first match shows before the search is over.
    push('{"path":"a/one.ts","line":3,"text":"const needle = 1"}\n{"path":"a/one.ts","line":9,');
    await screen.findByText("3");
    push('"text":"needle again"}\n{"path":"two.py","line":1,"text":"NEEDLE"}\n');
    await waitFor(() => expect(screen.getAllByTestId("search-hit")).toHaveLength(3));
    expect(screen.getByRole("status").textContent).toContain("Searching");
    push('{"done":true,"matches":3,"filesSearched":7,"truncated":false,"timedOut":false}\n');
    end();
    await screen.findByText("3 matches in 2 files");
    const hit = screen.getAllByTestId("search-hit")[0];
    expect(within(hit).getByText("needle").tagName).toBe("MARK");
  });

  it("says what went wrong when the server refuses the query", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ status: 400, detail: "q is 1-200 characters." }), {
            status: 400,
            headers: { "Content-Type": "application/problem+json" },
          }),
      ),
    );
    ideStore.set((s) => ({ ...s, workspaceId: "w1" }));
    render(<SearchPanel />);
    await userEvent.type(screen.getByRole("searchbox", { name: "Search in files" }), "x");
    await screen.findByText("q is 1-200 characters.");
  });
});

describe("status bar and help", () => {
  it("shows the assistant's model", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ username: "ada", model: "qwen2.5-coder" })),
    );
    render(<StatusBar onHelp={() => {}} />);
    expect((await screen.findByTestId("status-model")).textContent).toContain("qwen2.5-coder");
  });

  it("switches the theme: system, light, dark, and the page follows", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({})),
    );
    setTheme("system");
    render(<StatusBar onHelp={() => {}} />);
    await userEvent.click(screen.getByRole("button", { name: /switch theme/ }));
    expect(themeStore.get().choice).toBe("light");
    expect(document.documentElement.dataset.theme).toBe("light");
    await userEvent.click(screen.getByRole("button", { name: /switch theme/ }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("aicoder.theme")).toBe("dark");
    expect(screen.getByRole("button", { name: /switch theme/ }).textContent).toContain("Dark");
  });

  it("lists every shortcut", () => {
    render(<HelpOverlay onClose={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(within(dialog).getAllByRole("row")).toHaveLength(SHORTCUTS.length + 1);
  });
});
