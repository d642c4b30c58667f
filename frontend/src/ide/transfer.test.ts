import { afterEach, describe, expect, it, vi } from "vitest";
import {
  attachmentName,
  downloadZip,
  emptyFolders,
  importZip,
  uploadFiles,
  walkEntries,
} from "./transfer";

const ndjson = (lines: object[], chunk = 7) => {
  const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  const bytes = new TextEncoder().encode(text);
  // Split at odd places, so a line arrives in pieces as it does over the network.
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += chunk) c.enqueue(bytes.slice(i, i + chunk));
      c.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson" } });
};

const problem = (status: number, detail: string) =>
  new Response(JSON.stringify({ status, detail }), { status });

afterEach(() => vi.unstubAllGlobals());

describe("uploadFiles", () => {
  it("writes each file with If-Match *, at most `concurrency` at once, and reports progress", async () => {
    let running = 0;
    let most = 0;
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (url.includes("bad%20name")) return problem(400, "Empty, '.' and '..' are refused.");
        return new Response("{}", { status: 201 });
      }),
    );
    const items = Array.from({ length: 9 }, (_, i) => ({
      path: i === 4 ? "sub/bad name" : `sub/f${i}.txt`,
      file: new Blob([`x${i}`]),
    }));
    const seen: number[] = [];
    const result = await uploadFiles("w1", "dest", items, {
      concurrency: 3,
      folders: ["sub/empty"],
      onProgress: (p) => seen.push(p.done),
    });
    expect(most).toBe(3);
    expect(result.written).toBe(8);
    expect(result.refused).toEqual([
      { path: "sub/bad name", error: "Empty, '.' and '..' are refused." },
    ]);
    expect(calls[0].url).toBe("/api/workspaces/w1/folder?path=dest%2Fsub%2Fempty");
    const put = calls.find((c) => c.url.includes("f0.txt"))!;
    expect(put.url).toBe("/api/workspaces/w1/file?path=dest%2Fsub%2Ff0.txt");
    expect(put.init.method).toBe("PUT");
    expect(new Headers(put.init.headers).get("If-Match")).toBe("*");
    expect(seen.at(-1)).toBe(10);
  });

  it("says why a file too large for the server was refused", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("", { status: 413 })),
    );
    const result = await uploadFiles("w1", "", [{ path: "big.bin", file: new Blob(["x"]) }]);
    expect(result.refused[0].error).toMatch(/Larger than the server accepts/);
  });
});

describe("importZip", () => {
  it("posts the zip and collects the streamed per-entry report", async () => {
    const fetch = vi.fn(async () =>
      ndjson([
        { path: "p/a.txt", ok: true, size: 3, replaced: false },
        { path: "../evil", ok: false, error: "Empty, '.' and '..' path segments are refused." },
        { path: "p/b.txt", ok: true, size: 4, replaced: true },
        { done: true, written: 2, refused: 1 },
      ]),
    );
    vi.stubGlobal("fetch", fetch);
    const progress: number[] = [];
    const result = await importZip("w1", "p", new Blob(["PK"]), {
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toEqual({
      written: 2,
      refused: [{ path: "../evil", error: "Empty, '.' and '..' path segments are refused." }],
    });
    expect(progress).toEqual([0, 1, 2, 3]);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/workspaces/w1/import?path=p");
    expect(new Headers(init.headers).get("Content-Type")).toBe("application/zip");
  });

  it("reports a stop, a refused archive and a cut connection", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        ndjson([{ done: true, written: 0, refused: 0, error: "The archive is damaged." }]),
      ),
    );
    expect((await importZip("w1", "", new Blob([]))).error).toBe("The archive is damaged.");

    vi.stubGlobal(
      "fetch",
      vi.fn(async () => problem(400, "The body is not a .zip archive.")),
    );
    expect((await importZip("w1", "", new Blob([]))).error).toBe("The body is not a .zip archive.");

    vi.stubGlobal(
      "fetch",
      vi.fn(async () => ndjson([{ path: "a", ok: true, size: 1 }])),
    );
    expect((await importZip("w1", "", new Blob([]))).error).toMatch(/connection ended/);
  });
});

describe("downloadZip", () => {
  it("reads the archive with progress and takes the server's file name", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(new Uint8Array([80, 75, 5, 6]), {
            headers: { "Content-Disposition": 'attachment; filename="my-ws.zip"' },
          }),
      ),
    );
    const bytes: number[] = [];
    const { blob, name } = await downloadZip("w1", "", { onProgress: (p) => bytes.push(p.bytes) });
    expect(name).toBe("my-ws.zip");
    expect(blob.size).toBe(4);
    expect(bytes.at(-1)).toBe(4);
  });

  it("falls back to the folder's name", () => {
    expect(attachmentName(null, "src.zip")).toBe("src.zip");
    expect(attachmentName('attachment; filename="a.zip"', "x")).toBe("a.zip");
  });
});

describe("dropped folders", () => {
  const file = (name: string): FileSystemFileEntry =>
    ({
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([name], name)),
    }) as unknown as FileSystemFileEntry;
  const dir = (name: string, children: FileSystemEntry[]): FileSystemDirectoryEntry =>
    ({
      name,
      isFile: false,
      isDirectory: true,
      createReader: () => {
        // Two batches, then none: a reader must be called until it answers nothing.
        const batches = [children.slice(0, 1), children.slice(1), []];
        return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(batches.shift()!) };
      },
    }) as unknown as FileSystemDirectoryEntry;

  it("walks every batch of every folder, keeping paths and empty folders", async () => {
    const dropped = await walkEntries([
      dir("proj", [file("a.py"), dir("empty", []), dir("src", [file("b.py"), file("c.py")])]),
      file("loose.txt"),
    ]);
    expect(dropped.items.map((i) => i.path).sort()).toEqual([
      "loose.txt",
      "proj/a.py",
      "proj/src/b.py",
      "proj/src/c.py",
    ]);
    expect(emptyFolders(dropped)).toEqual(["proj/empty"]);
  });
});
