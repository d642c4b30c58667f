import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { createBuffer, textOf } from "./buffers";
import { EditorPane } from "./EditorPane";
import { edit, ideStore, resetIde, type Tab } from "./ideStore";

// Monaco does not run in jsdom. The editor stands in as a marker; the diff view's file side is a
// plain text area over the file's buffer, as the real one is the file's model.
vi.mock("../monaco/MonacoHost", () => ({
  Host: (props: { view: string; path: string; reveal?: number; kind?: string; other?: string }) =>
    props.view === "editor"
      ? createElement("div", { "data-testid": "editor", "data-reveal": props.reveal }, props.path)
      : createElement("textarea", {
          "aria-label": props.kind === "conflict" ? "Yours" : "Proposed",
          defaultValue: props.kind === "conflict" ? textOf(props.path) : props.other,
          onInput: (e: { currentTarget: HTMLTextAreaElement }) =>
            edit(props.path, e.currentTarget.value),
        }),
}));

/** The gateway's file writes: records each body, answers with the next version. */
function writes() {
  const saved: Record<string, string> = {};
  let version = 2;
  let hold: Promise<void> | null = null;
  const server = {
    saved,
    /** Writes wait until the returned function is called. */
    hold() {
      let open!: () => void;
      hold = new Promise((r) => (open = r));
      return open;
    },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      await hold;
      saved[new URL(url, "http://x").searchParams.get("path")!] = String(init.body);
      return new Response(null, { status: 204, headers: { ETag: `"v${++version}"` } });
    }),
  );
  return server;
}

/** An open tab over a buffer with `text`. */
function opened(path: string, text: string, extra: Partial<Tab> = {}): Tab {
  createBuffer(path, text);
  return {
    path,
    dirty: false,
    savedVersion: 1,
    etag: '"v1"',
    mode: "normal",
    saving: false,
    ...extra,
  };
}

function show(tabs: Tab[], active: string) {
  ideStore.set((s) => ({ ...s, workspaceId: "w1", tabs, active }));
  return render(<EditorPane />);
}

beforeEach(() => {
  setSession({ token: "t", username: "ann", role: "member", expiresAt: Date.now() + 60_000 });
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  setSession(null);
  resetIde();
  vi.unstubAllGlobals();
});

describe("the tabs", () => {
  it("show each open file, the active one selected, and switch on click or keyboard", async () => {
    const user = userEvent.setup();
    show([opened("src/a.py", "a"), opened("b.py", "b", { dirty: true })], "src/a.py");
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["a.py", "b.py"]);
    expect(tabs[0]).toHaveProperty("ariaSelected", "true");
    expect(within(tabs[1]).getByRole("img", { name: "unsaved" })).toBeTruthy();
    expect(await screen.findByTestId("editor")).toHaveProperty("textContent", "src/a.py");

    await user.click(tabs[1]);
    expect(ideStore.get().active).toBe("b.py");
    await user.keyboard("{ArrowLeft}");
    expect(ideStore.get().active).toBe("src/a.py");
    expect(document.activeElement).toBe(screen.getAllByRole("tab")[0]);
    await user.keyboard("{End}");
    expect(ideStore.get().active).toBe("b.py");
  });

  it("close at once when the file is saved", async () => {
    const user = userEvent.setup();
    show([opened("a.py", "a"), opened("b.py", "b")], "a.py");
    await user.click(screen.getByTitle("Close a.py"));
    expect(ideStore.get().tabs.map((t) => t.path)).toEqual(["b.py"]);
    expect(ideStore.get().active).toBe("b.py");
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("closing a tab with unsaved changes", () => {
  async function ask() {
    const user = userEvent.setup();
    const server = writes();
    show([opened("a.py", "mine", { dirty: true, savedVersion: 0 })], "a.py");
    await user.click(screen.getByTitle("Close a.py"));
    const dialog = screen.getByRole("dialog", { name: "a.py has unsaved changes" });
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Save" }));
    return { user, server, dialog };
  }

  it("Cancel (or Escape) keeps the tab and its text; Delete on a tab asks too", async () => {
    const { user, dialog } = await ask();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    screen.getByRole("tab", { name: /a\.py/ }).focus();
    await user.keyboard("{Delete}"); // the keyboard's way to close a tab
    expect(screen.getByRole("dialog")).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(ideStore.get().tabs).toHaveLength(1);
    expect(textOf("a.py")).toBe("mine");
  });

  it("Don't save drops the text and closes", async () => {
    const { user, server, dialog } = await ask();
    await user.click(within(dialog).getByRole("button", { name: "Don't save" }));
    expect(ideStore.get().tabs).toEqual([]);
    expect(server.saved).toEqual({});
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("Save saves, then closes", async () => {
    const { user, server, dialog } = await ask();
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(ideStore.get().tabs).toEqual([]));
    expect(server.saved).toEqual({ "a.py": "mine" });
  });
});

describe("the save state", () => {
  it("shows Unsaved, Saving… and Saved as the file goes", async () => {
    const server = writes();
    show([opened("a.py", "a")], "a.py");
    const state = screen.getByTestId("save-state");
    expect(state.textContent).toBe("Saved");
    const open = server.hold();
    act(() => edit("a.py", "ab"));
    expect(state.textContent).toBe("Unsaved");
    await waitFor(() => expect(state.textContent).toBe("Saving…"), { timeout: 2_000 });
    open();
    await waitFor(() => expect(state.textContent).toBe("Saved"));
    expect(server.saved["a.py"]).toBe("ab");
  });

  it("passes a line to show to the editor of that file", async () => {
    show([opened("a.py", "1\n2\n3")], "a.py");
    act(() => ideStore.set((s) => ({ ...s, reveal: { path: "a.py", line: 3 } })));
    expect((await screen.findByTestId("editor")).dataset.reveal).toBe("3");
  });
});

describe("the conflict view", () => {
  const inConflict = (path: string): Tab =>
    opened(path, `${path}: mine\n`, {
      dirty: true,
      savedVersion: -1,
      conflict: { serverText: `${path}: theirs\n`, serverEtag: '"v2"' },
    });

  it("keeps each file's merged text apart", async () => {
    const user = userEvent.setup();
    const server = writes();
    show([inConflict("a.py"), inConflict("b.py")], "a.py");

    // Merge a.py on the right side, then keep b.py's own text.
    const mine = await screen.findByRole<HTMLTextAreaElement>("textbox", { name: "Yours" });
    await user.clear(mine);
    await user.type(mine, "a.py: merged");
    await user.click(screen.getByRole("tab", { name: /b\.py/ }));
    await waitFor(() =>
      expect(screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Yours" }).value).toBe(
        "b.py: mine\n",
      ),
    );
    await user.click(screen.getByRole("button", { name: "Keep mine" }));
    await waitFor(() => expect(server.saved["b.py"]).toBe("b.py: mine\n"));

    // Back on a.py the merge is still there, and it is what "Keep mine" saves.
    await user.click(screen.getByRole("tab", { name: /a\.py/ }));
    const again = await screen.findByRole<HTMLTextAreaElement>("textbox", { name: "Yours" });
    expect(again.value).toBe("a.py: merged");
    await user.click(screen.getByRole("button", { name: "Keep mine" }));
    await waitFor(() => expect(server.saved["a.py"]).toBe("a.py: merged"));
  });
});
