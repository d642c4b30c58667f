import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession, type Session } from "../auth/session";
import { attachModel, type TextModelLike } from "./buffers";
import {
  AUTOSAVE_MS,
  closeTab,
  decideProposal,
  DRAFT_MS,
  dropDrafts,
  edit,
  ideStore,
  openFile,
  propose,
  resetIde,
  resolveConflict,
  saveAll,
  tab,
  textOf,
} from "./ideStore";

const session = (username: string): Session => ({
  token: `${username}-token`,
  username,
  role: "member",
  expiresAt: Date.now() + 3_600_000,
});

/** One workspace's files as the gateway keeps them: versioned, writes checked with If-Match. */
function fileServer() {
  const server = {
    files: new Map<string, { text: string; version: number }>(),
    puts: [] as { path: string; ifMatch: string | null; body: string; by: string }[],
    offline: false,
    /** While set, writes wait for it (a save on its way). */
    gate: null as Promise<void> | null,
    /** A teammate saves a newer version. */
    teammateWrites(path: string, text: string) {
      server.files.set(path, { text, version: server.files.get(path)!.version + 1 });
    },
  };
  const etag = (v: number) => `"v${v}"`;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const path = new URL(url, "http://x").searchParams.get("path")!;
      const current = server.files.get(path);
      if ((init.method ?? "GET") === "GET") {
        if (!current) return new Response(null, { status: 404 });
        return new Response(current.text, { headers: { ETag: etag(current.version) } });
      }
      if (server.offline) throw new TypeError("Failed to fetch");
      await server.gate;
      const headers = new Headers(init.headers);
      const body = String(init.body);
      const by = headers.get("Authorization")!;
      server.puts.push({ path, ifMatch: headers.get("If-Match"), body, by });
      if (current && headers.get("If-Match") !== etag(current.version)) {
        const problem = { currentContent: current.text, currentEtag: etag(current.version) };
        return new Response(JSON.stringify(problem), { status: 412 });
      }
      const version = (current?.version ?? 0) + 1;
      server.files.set(path, { text: body, version });
      return new Response(null, { status: 204, headers: { ETag: etag(version) } });
    }),
  );
  return server;
}

/** Like a reload: the tab's state is gone, localStorage (the drafts) stays. */
function reload(user: string) {
  resetIde();
  setSession(session(user));
  ideStore.set((s) => ({ ...s, workspaceId: "w1" }));
}

describe("drafts", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
  });
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** Opens the file, types, and leaves the edit unsaved (the save cannot reach the server). */
  async function leaveDraft(server: ReturnType<typeof fileServer>, text: string) {
    reload("ann");
    await openFile("a.py");
    server.offline = true;
    edit("a.py", text);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tab("a.py")?.error).toBeDefined();
  }

  it("edited from an older version opens the conflict view and does not overwrite the newer one", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "base\n", version: 1 });
    await leaveDraft(server, "base\nmine\n");

    server.offline = false;
    server.teammateWrites("a.py", "base\ntheirs\n");
    reload("ann");
    await openFile("a.py");
    await vi.advanceTimersByTimeAsync(5_000);

    expect(server.files.get("a.py")!.text).toBe("base\ntheirs\n");
    expect(server.puts.filter((p) => !p.ifMatch || p.ifMatch === '"v2"')).toEqual([]);
    expect(textOf("a.py")).toBe("base\nmine\n");
    expect(tab("a.py")).toMatchObject({
      conflict: { serverText: "base\ntheirs\n", serverEtag: '"v2"' },
    });
  });

  it("edited from the current version is saved over it", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "base\n", version: 1 });
    await leaveDraft(server, "base\nmine\n");

    server.offline = false;
    reload("ann");
    await openFile("a.py");
    await vi.advanceTimersByTimeAsync(5_000);

    expect(server.files.get("a.py")).toEqual({ text: "base\nmine\n", version: 2 });
    expect(server.puts.at(-1)).toMatchObject({ ifMatch: '"v1"', body: "base\nmine\n" });
    expect(tab("a.py")?.conflict).toBeUndefined();
  });

  it("are shown only to the user who wrote them", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "base\n", version: 1 });
    await leaveDraft(server, "ann's unsaved text\n");

    server.offline = false;
    reload("bob");
    await openFile("a.py");
    await vi.advanceTimersByTimeAsync(5_000);

    expect(textOf("a.py")).toBe("base\n");
    expect(server.puts.filter((p) => p.by === "Bearer bob-token")).toEqual([]);
    expect(server.files.get("a.py")!.text).toBe("base\n");
  });
});

const draftKeys = () => Object.keys(localStorage).filter((k) => k.startsWith("aicoder.draft."));
const draftOf = (user: string, path: string) =>
  JSON.parse(localStorage.getItem(`aicoder.draft.${user}.w1.${path}`) ?? "null") as {
    text: string;
    base: string | null;
  } | null;

describe("autosave", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
  });
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("saves once, a pause after the last keystroke, what the file holds then", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "x\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    for (const text of ["x\n1", "x\n12", "x\n123"]) {
      edit("a.py", text);
      await vi.advanceTimersByTimeAsync(AUTOSAVE_MS - 100);
    }
    expect(server.puts).toEqual([]);
    expect(tab("a.py")).toMatchObject({ dirty: true, saving: false });

    await vi.advanceTimersByTimeAsync(100);
    expect(server.puts).toMatchObject([{ path: "a.py", ifMatch: '"v1"', body: "x\n123" }]);
    expect(tab("a.py")).toMatchObject({ dirty: false, saving: false, etag: '"v2"' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.puts).toHaveLength(1);
    expect(draftKeys()).toEqual([]);
  });

  it("saves again what was typed while a save was on its way", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "x\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    let open!: () => void;
    server.gate = new Promise((r) => (open = r));
    edit("a.py", "x\n1");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(tab("a.py")?.saving).toBe(true);
    edit("a.py", "x\n12"); // while the save is on its way
    open();
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS + 10);
    expect(server.puts.map((p) => [p.ifMatch, p.body])).toEqual([
      ['"v1"', "x\n1"],
      ['"v2"', "x\n12"],
    ]);
    expect(tab("a.py")?.dirty).toBe(false);
  });

  it("keeps the state a keystroke changes to the dirty flag: the tabs do not change per keystroke", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "x\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    const before = ideStore.get().tabs;
    edit("a.py", "x\n1");
    const dirty = ideStore.get().tabs;
    expect(dirty).not.toBe(before);
    edit("a.py", "x\n12");
    edit("a.py", "x\n123");
    expect(ideStore.get().tabs).toBe(dirty);
  });
});

describe("conflicts", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
  });
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function inConflict() {
    const server = fileServer();
    server.files.set("a.py", { text: "base\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    server.teammateWrites("a.py", "theirs\n");
    edit("a.py", "mine\n");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(tab("a.py")?.conflict).toEqual({ serverText: "theirs\n", serverEtag: '"v2"' });
    return server;
  }

  it("a save refused with 412 opens the conflict; edits there are not saved until resolved", async () => {
    const server = await inConflict();
    edit("a.py", "merged\n");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.puts).toHaveLength(1);
    expect(server.files.get("a.py")!.text).toBe("theirs\n");
    // Still based on the old version: a reload shows the conflict again.
    expect(draftOf("ann", "a.py")).toEqual({ text: "merged\n", base: '"v1"' });
  });

  it("Keep mine saves the merged text over the server's version", async () => {
    const server = await inConflict();
    edit("a.py", "merged\n");
    await resolveConflict("a.py", "mine");
    expect(server.puts.at(-1)).toMatchObject({ ifMatch: '"v2"', body: "merged\n" });
    expect(server.files.get("a.py")).toEqual({ text: "merged\n", version: 3 });
    expect(tab("a.py")).toMatchObject({ conflict: undefined, dirty: false, etag: '"v3"' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(draftKeys()).toEqual([]);
  });

  it("Take theirs puts the server's text in the file, clean, and saves nothing", async () => {
    const server = await inConflict();
    await resolveConflict("a.py", "theirs");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(textOf("a.py")).toBe("theirs\n");
    expect(tab("a.py")).toMatchObject({ conflict: undefined, dirty: false, etag: '"v2"' });
    expect(server.puts).toHaveLength(1);
    expect(draftKeys()).toEqual([]);
  });
});

describe("drafts while typing", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
  });
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  async function offline() {
    const server = fileServer();
    server.files.set("a.py", { text: "x\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    server.offline = true;
    return vi.spyOn(Storage.prototype, "setItem");
  }

  it("are written at most every DRAFT_MS, with the text as it is then", async () => {
    const writes = await offline();
    for (let i = 1; i <= 20; i++) edit("a.py", `x\n${"y".repeat(i)}`);
    expect(writes).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(DRAFT_MS);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(draftOf("ann", "a.py")).toEqual({ text: `x\n${"y".repeat(20)}`, base: '"v1"' });
  });

  it("are written at once when the page goes away", async () => {
    await offline();
    edit("a.py", "x\nbefore reload");
    window.dispatchEvent(new Event("pagehide"));
    expect(draftOf("ann", "a.py")).toEqual({ text: "x\nbefore reload", base: '"v1"' });
  });

  it("outlive an expired session, under the user who typed them", async () => {
    await offline();
    edit("a.py", "x\ntyped just before expiry");
    setSession(null); // the token expired
    expect(draftOf("ann", "a.py")?.text).toBe("x\ntyped just before expiry");
  });

  it("are gone after signing out, also those not written yet", async () => {
    await offline();
    edit("a.py", "x\nwritten");
    await vi.advanceTimersByTimeAsync(DRAFT_MS);
    edit("a.py", "x\nnot written yet");
    expect(await saveAll()).toEqual(["a.py"]);
    dropDrafts("ann"); // as the sign-out does, then the session ends
    setSession(null);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(draftKeys()).toEqual([]);
  });

  it("go with a tab closed without saving, and its save does not run", async () => {
    const writes = await offline();
    edit("a.py", "x\nunwanted");
    await vi.advanceTimersByTimeAsync(DRAFT_MS);
    expect(writes).toHaveBeenCalled();
    closeTab("a.py");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(draftKeys()).toEqual([]);
    expect(tab("a.py")).toBeUndefined();
  });
});

describe("an editor's model as the file's text", () => {
  /** Monaco's model in miniature: versions grow with edits, undo returns to the earlier one. */
  function fakeModel(text: string, changed: () => void) {
    const history: { text: string; version: number }[] = [];
    let version = 7;
    let next = 8;
    const model: TextModelLike & { type(t: string): void; undo(): void } = {
      getValue: () => text,
      replace: (t) => model.type(t),
      version: () => version,
      dispose: () => {},
      type(t) {
        history.push({ text, version });
        text = t;
        version = next++;
        changed();
      },
      undo() {
        ({ text, version } = history.pop()!);
        changed();
      },
    };
    return model;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
  });
  afterEach(() => {
    setSession(null);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("is read when saving, and undo back to the saved text makes the file clean", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "x\n", version: 1 });
    reload("ann");
    await openFile("a.py");
    let model!: ReturnType<typeof fakeModel>;
    const { bufferChanged } = await import("./buffers");
    attachModel("a.py", (text) => (model = fakeModel(text, () => bufferChanged("a.py"))));
    expect(tab("a.py")?.dirty).toBe(false);

    model.type("x\ny");
    expect(tab("a.py")?.dirty).toBe(true);
    model.undo();
    expect(tab("a.py")?.dirty).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.puts).toEqual([]);

    model.type("x\nz");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(server.puts.at(-1)?.body).toBe("x\nz");
    expect(tab("a.py")?.dirty).toBe(false);
  });
});

describe("opening at a line", () => {
  afterEach(() => {
    setSession(null);
    vi.unstubAllGlobals();
  });

  it("asks the editor to show the line, also for a file already open", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "1\n2\n3\n", version: 1 });
    reload("ann");
    await openFile("a.py", { line: 3 });
    expect(ideStore.get()).toMatchObject({ active: "a.py", reveal: { path: "a.py", line: 3 } });
    ideStore.set((s) => ({ ...s, reveal: null, active: null }));
    await openFile("a.py", { line: 2 });
    expect(ideStore.get()).toMatchObject({ active: "a.py", reveal: { path: "a.py", line: 2 } });
  });
});

describe("proposals", () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    setSession(null);
    vi.unstubAllGlobals();
  });

  it("accepted, become the file's text and are saved at once", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "old\n", version: 1 });
    reload("ann");
    await propose("a.py", "new\n");
    expect(tab("a.py")?.proposal).toBe("new\n");
    expect(textOf("a.py")).toBe("old\n");
    decideProposal("a.py", true);
    await vi.waitFor(() => expect(server.files.get("a.py")?.text).toBe("new\n"));
    expect(server.puts).toMatchObject([{ ifMatch: '"v1"', body: "new\n" }]);
    expect(tab("a.py")).toMatchObject({ proposal: undefined, dirty: false });
  });

  it("rejected, leave the file as it was", async () => {
    const server = fileServer();
    server.files.set("a.py", { text: "old\n", version: 1 });
    reload("ann");
    await propose("a.py", "new\n");
    decideProposal("a.py", false);
    expect(tab("a.py")).toMatchObject({ proposal: undefined, dirty: false });
    expect(textOf("a.py")).toBe("old\n");
    expect(server.puts).toEqual([]);
  });

  it("for a file not there yet, create it when accepted", async () => {
    const server = fileServer();
    reload("ann");
    await propose("new.py", "print(1)\n");
    decideProposal("new.py", true);
    await vi.waitFor(() => expect(server.files.get("new.py")?.text).toBe("print(1)\n"));
    expect(server.puts).toMatchObject([{ ifMatch: null }]);
  });
});
