import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Profiler } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FileEntry } from "../api/client";
import { Explorer } from "./Explorer";
import { ideStore, resetIde, type Tab } from "./ideStore";

const f = (path: string, type: FileEntry["type"] = "file"): FileEntry => ({
  name: path.split("/").at(-1)!,
  path,
  type,
  size: 1,
  modified: 0,
});

interface Call {
  method: string;
  url: URL;
  init: RequestInit;
}

/** The gateway: records every call; listings answer from `tree`, other calls from `answer`. */
function gateway(answer: (c: Call) => Response | undefined = () => undefined) {
  const calls: Call[] = [];
  const tree: Record<string, FileEntry[]> = {
    "": [f("src", "dir"), f("README.md")],
    src: [f("src/main.py")],
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const call = { method: init.method ?? "GET", url: new URL(url, "http://x"), init };
      calls.push(call);
      if (call.url.pathname.endsWith("/tree")) {
        const entries = tree[call.url.searchParams.get("path")!] ?? [];
        return Response.json({ entries, nextCursor: null });
      }
      return answer(call) ?? new Response("{}", { status: 201 });
    }),
  );
  return calls;
}

const writes = (calls: Call[]) =>
  calls
    .filter((c) => c.method !== "GET")
    .map(
      (c) =>
        `${c.method} ${c.url.pathname.split("/").at(-1)} ${c.url.searchParams.get("path") ?? ""}`,
    );

function tab(path: string, extra: Partial<Tab> = {}): Tab {
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

beforeEach(() => {
  ideStore.set((s) => ({
    ...s,
    workspaceId: "w1",
    children: { "": [f("src", "dir"), f("README.md")], src: [f("src/main.py")] },
    expanded: { "": true },
  }));
});

afterEach(() => {
  cleanup();
  resetIde();
  vi.unstubAllGlobals();
});

const row = (name: string) => screen.getByRole("treeitem", { name: new RegExp(`^${name}`) });

// userEvent types key by key; on a loaded machine that takes longer than the default 5 s.
describe("Explorer", { timeout: 30_000 }, () => {
  it("draws codicons for actions, folders and file types, and no glyphs", () => {
    gateway();
    const { container } = render(<Explorer />);
    expect(container.textContent).not.toMatch(/[+⊞✎🗑▾▸●]/u);
    expect(row("src").querySelector(".codicon-chevron-right")).not.toBeNull();
    expect(row("src").querySelector(".codicon-folder")).not.toBeNull();
    expect(row("README.md").querySelector(".codicon-markdown")).not.toBeNull();
    for (const name of ["New file", "New folder", "Upload files", "Upload folder", "Import .zip"])
      expect(screen.getByRole("button", { name }).querySelector(".codicon")).not.toBeNull();
    expect(screen.getByRole("button", { name: "Download the workspace as .zip" })).toBeTruthy();
  });

  it("re-renders when the set of unsaved files changes, not for other changes to the tabs", () => {
    gateway();
    let renders = 0;
    render(
      <Profiler id="explorer" onRender={() => renders++}>
        <Explorer />
      </Profiler>,
    );
    act(() => ideStore.set((s) => ({ ...s, tabs: [tab("README.md")] })));
    const before = renders;
    act(() => ideStore.set((s) => ({ ...s, tabs: [tab("README.md", { saving: true })] })));
    act(() => ideStore.set((s) => ({ ...s, tabs: [tab("README.md", { savedVersion: 7 })] })));
    expect(renders).toBe(before);
    expect(screen.queryByRole("img", { name: "unsaved changes" })).toBeNull();

    act(() => ideStore.set((s) => ({ ...s, tabs: [tab("README.md", { dirty: true })] })));
    expect(renders).toBe(before + 1);
    expect(within(row("README.md")).getByRole("img", { name: "unsaved changes" })).toBeTruthy();
  });

  it("renames inline with F2 and Enter, and Escape leaves the name alone", async () => {
    const calls = gateway();
    const user = userEvent.setup();
    render(<Explorer />);
    await user.click(row("README.md"));
    screen.getByRole("tree").focus();
    await user.keyboard("{F2}");
    const input = screen.getByRole("textbox", { name: "New name of README.md" });
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("textbox", { name: /New name/ })).toBeNull();
    expect(writes(calls)).toEqual([]);
    expect(document.activeElement).toBe(screen.getByRole("tree"));

    await user.keyboard("{F2}");
    expect(input).not.toBe(screen.getByRole("textbox", { name: "New name of README.md" }));
    await user.keyboard("{Control>}a{/Control}GUIDE.md{Enter}");
    await waitFor(() => expect(writes(calls)).toEqual(["POST move "]));
    expect(JSON.parse(String(calls.find((c) => c.method === "POST")!.init.body))).toEqual({
      from: "README.md",
      to: "GUIDE.md",
    });
  });

  it("creates a folder from an inline name field in the selected folder", async () => {
    const calls = gateway();
    const user = userEvent.setup();
    render(<Explorer />);
    await user.click(row("src"));
    await user.click(screen.getByRole("button", { name: "New folder" }));
    await user.keyboard("lib{Enter}");
    await waitFor(() => expect(writes(calls)).toEqual(["POST folder src/lib"]));
  });

  it("asks in a dialog before deleting; Cancel deletes nothing", async () => {
    const calls = gateway(() => new Response(null, { status: 204 }));
    const user = userEvent.setup();
    render(<Explorer />);
    await user.click(row("README.md"));
    screen.getByRole("tree").focus();
    await user.keyboard("{Delete}");
    const dialog = screen.getByRole("dialog", { name: "Delete" });
    expect(dialog.textContent).toContain("README.md");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(writes(calls)).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(writes(calls)).toEqual(["DELETE file README.md"]));
  });

  it("uploads picked files into the selected folder and lists the refused ones", async () => {
    const calls = gateway((c) =>
      c.url.searchParams.get("path")?.endsWith("bad.bin")
        ? Response.json({ status: 413 }, { status: 413 })
        : undefined,
    );
    const user = userEvent.setup();
    render(<Explorer />);
    await user.click(row("src"));
    await user.upload(screen.getByLabelText("Files to upload"), [
      new File(["a"], "a.txt"),
      new File(["b"], "bad.bin"),
    ]);
    const report = await screen.findByRole("alert");
    expect(report.textContent).toContain("1 file written to src, 1 refused");
    const refused = within(report).getByRole("list", { name: "Refused entries" });
    expect(refused.textContent).toContain("bad.bin");
    expect(refused.textContent).toContain("Larger than the server accepts");
    expect(writes(calls).sort()).toEqual(["PUT file src/a.txt", "PUT file src/bad.bin"]);
  });

  it("imports a .zip and shows each refused entry with its reason", async () => {
    const lines = [
      { path: "app.py", ok: true, size: 3 },
      { path: "../evil.sh", ok: false, error: "Empty, '.' and '..' path segments are refused." },
      { done: true, written: 1, refused: 1 },
    ];
    const calls = gateway((c) =>
      c.url.pathname.endsWith("/import")
        ? new Response(lines.map((l) => JSON.stringify(l)).join("\n") + "\n")
        : undefined,
    );
    const user = userEvent.setup();
    render(<Explorer />);
    await user.upload(screen.getByLabelText("Archive to import"), new File(["PK"], "code.zip"));
    const report = await screen.findByRole("alert");
    expect(report.textContent).toContain("1 file written to the workspace, 1 refused");
    expect(report.textContent).toContain("../evil.sh");
    expect(report.textContent).toContain("'..' path segments are refused");
    expect(writes(calls)).toEqual(["POST import "]);
  });

  it("uploads a folder dropped on a folder row, with its tree", async () => {
    const calls = gateway();
    render(<Explorer />);
    const file = (name: string) => ({
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([name], name)),
    });
    const folder = {
      name: "proj",
      isFile: false,
      isDirectory: true,
      createReader: () => {
        const batches = [
          [
            file("a.py"),
            {
              ...file("x"),
              name: "docs",
              isFile: false,
              isDirectory: true,
              createReader: () => ({ readEntries: (ok: (e: unknown[]) => void) => ok([]) }),
            },
          ],
          [],
        ];
        return { readEntries: (ok: (e: unknown[]) => void) => ok(batches.shift()!) };
      },
    };
    const dataTransfer = {
      types: ["Files"],
      items: [{ kind: "file", webkitGetAsEntry: () => folder, getAsFile: () => null }],
      files: [],
      dropEffect: "none",
    };
    fireEvent.dragOver(row("src"), { dataTransfer });
    expect(row("src").className).toContain("drop-target");
    fireEvent.drop(row("src"), { dataTransfer });
    await screen.findByRole("status");
    await waitFor(() =>
      expect(writes(calls).sort()).toEqual(["POST folder src/proj/docs", "PUT file src/proj/a.py"]),
    );
  });

  it("downloads the selected folder, or the workspace when a file is selected", async () => {
    const calls = gateway((c) =>
      c.url.pathname.endsWith("/archive")
        ? new Response(new Uint8Array([80, 75, 5, 6]), {
            headers: { "Content-Disposition": 'attachment; filename="src.zip"' },
          })
        : undefined,
    );
    const saved: string[] = [];
    // jsdom has no object URLs; a subclass adds them without touching the real URL.
    class BlobUrls extends URL {
      static createObjectURL = () => "blob:x";
      static revokeObjectURL = () => {};
    }
    vi.stubGlobal("URL", BlobUrls);
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push(this.download);
    });
    const user = userEvent.setup();
    render(<Explorer />);
    await user.click(row("src"));
    await user.click(screen.getByRole("button", { name: "Download src as .zip" }));
    await waitFor(() => expect(saved).toEqual(["src.zip"]));
    const archive = calls.find((c) => c.url.pathname.endsWith("/archive"))!;
    expect(archive.url.searchParams.get("path")).toBe("src");
    click.mockRestore();

    await user.click(row("README.md"));
    expect(screen.getByRole("button", { name: "Download the workspace as .zip" })).toBeTruthy();
  });
});
