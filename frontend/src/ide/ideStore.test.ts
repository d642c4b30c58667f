import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession, type Session } from "../auth/session";
import { edit, ideStore, openFile, resetIde, tab } from "./ideStore";

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
    expect(tab("a.py")).toMatchObject({
      text: "base\nmine\n",
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

    expect(tab("a.py")?.text).toBe("base\n");
    expect(server.puts.filter((p) => p.by === "Bearer bob-token")).toEqual([]);
    expect(server.files.get("a.py")!.text).toBe("base\n");
  });
});
