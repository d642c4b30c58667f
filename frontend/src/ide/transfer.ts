import { api, ApiError, readNdjson } from "../api/client";
import { sessionSignal } from "../auth/session";

/** Getting code in and out of a workspace: uploads, .zip import and download. Plain TS, no DOM state. */

/** One file to upload, at `path` relative to the target folder. */
export interface UploadItem {
  path: string;
  file: Blob;
}

/** A file or archive entry the server did not take, and why. */
export interface Refusal {
  path: string;
  error: string;
}

export interface Progress {
  /** Files (or archive entries) finished so far, and the total when known. */
  done: number;
  total: number | null;
  bytes: number;
}

export interface TransferResult {
  written: number;
  refused: Refusal[];
  /** Why the whole transfer stopped early, if it did. */
  error?: string;
}

export interface TransferOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** The caller's signal and the session's: a sign-out stops a transfer as it stops every request. */
function withSession(signal?: AbortSignal): AbortSignal {
  return signal && "any" in AbortSignal
    ? AbortSignal.any([sessionSignal(), signal])
    : (signal ?? sessionSignal());
}

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const join = (folder: string, path: string) => (folder ? `${folder}/${path}` : path);

function reason(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 413) return "Larger than the server accepts in one request.";
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Uploads files through the ordinary file write (so each meets the same checks), `concurrency` at
 * a time. Parent folders are made by the write; `folders` are empty folders to create as well.
 * Existing files are overwritten, as a .zip import does.
 */
export async function uploadFiles(
  workspaceId: string,
  folder: string,
  items: UploadItem[],
  {
    onProgress,
    signal: own,
    concurrency = 4,
    folders = [],
  }: TransferOptions & {
    concurrency?: number;
    folders?: string[];
  } = {},
): Promise<TransferResult> {
  const signal = withSession(own);
  const refused: Refusal[] = [];
  let written = 0;
  let bytes = 0;
  let done = 0;
  const total = items.length + folders.length;
  const report = () => onProgress?.({ done, total, bytes });
  report();
  for (const dir of folders) {
    try {
      await api(`${ws(workspaceId)}/folder?path=${encodeURIComponent(join(folder, dir))}`, {
        method: "POST",
        signal,
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409))
        refused.push({ path: dir, error: reason(e) });
    }
    done++;
    report();
  }
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal.aborted) return;
      const item = items[next++];
      try {
        await api(`${ws(workspaceId)}/file?path=${encodeURIComponent(join(folder, item.path))}`, {
          method: "PUT",
          headers: { "Content-Type": "application/octet-stream", "If-Match": "*" },
          body: item.file,
          signal,
        });
        written++;
        bytes += item.file.size;
      } catch (e) {
        if (signal.aborted) return;
        refused.push({ path: item.path, error: reason(e) });
      }
      done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { written, refused, error: signal.aborted ? "Cancelled." : undefined };
}

interface ImportLine {
  path?: string;
  ok?: boolean;
  error?: string;
  size?: number;
  done?: boolean;
  written?: number;
  refused?: number;
}

/** Sends a .zip to be unpacked into `folder`, reading the server's per-entry report as it streams. */
export async function importZip(
  workspaceId: string,
  folder: string,
  zip: Blob,
  { onProgress, signal: own }: TransferOptions = {},
): Promise<TransferResult> {
  const signal = withSession(own);
  const result: TransferResult = { written: 0, refused: [] };
  let done = 0;
  let bytes = 0;
  onProgress?.({ done, total: null, bytes });
  let response: Response;
  try {
    response = await api(`${ws(workspaceId)}/import?path=${encodeURIComponent(folder)}`, {
      method: "POST",
      headers: { "Content-Type": "application/zip" },
      body: zip,
      signal,
    });
  } catch (e) {
    return { ...result, error: reason(e) };
  }
  let finished = false;
  await readNdjson(response, (value) => {
    const line = value as ImportLine;
    if (line.done) {
      finished = true;
      result.written = line.written ?? result.written;
      if (line.error) result.error = line.error;
      return;
    }
    if (line.ok === false) result.refused.push({ path: line.path ?? "?", error: line.error ?? "" });
    else if (line.size !== undefined) result.written++;
    bytes += line.size ?? 0;
    onProgress?.({ done: ++done, total: null, bytes });
  });
  if (!finished && !result.error) result.error = "The connection ended before the import did.";
  return result;
}

/** The file name a Content-Disposition header gives, or `fallback`. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = header?.match(/filename="([^"]+)"/);
  return match ? match[1] : fallback;
}

/**
 * Fetches a folder (or the whole workspace: "") as a .zip, reporting bytes as they come, and
 * answers the file and its name. The token travels in a header, so a plain link cannot do it.
 */
export async function downloadZip(
  workspaceId: string,
  folder: string,
  { onProgress, signal: own }: TransferOptions = {},
): Promise<{ blob: Blob; name: string }> {
  const signal = withSession(own);
  const response = await api(`${ws(workspaceId)}/archive?path=${encodeURIComponent(folder)}`, {
    signal,
  });
  const parts: BlobPart[] = [];
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    bytes += value.byteLength;
    onProgress?.({ done: 0, total: null, bytes });
  }
  const fallback = `${folder.split("/").at(-1) || "workspace"}.zip`;
  return {
    blob: new Blob(parts, { type: "application/zip" }),
    name: attachmentName(response.headers.get("Content-Disposition"), fallback),
  };
}

/** Hands a file to the browser as a download. */
export function saveFile(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The files of an `<input type="file" webkitdirectory>`: paths keep their folder. */
export function itemsFromInput(list: FileList | File[]): UploadItem[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** What a drop holds: files with their relative paths, and folders (empty ones survive). */
export interface Dropped {
  items: UploadItem[];
  folders: string[];
}

/**
 * The files and folders of a drop. The entries must be taken during the drop event (the browser
 * empties the DataTransfer after it), so this reads them at once and walks folders afterwards.
 */
export function droppedEntries(data: DataTransfer): Promise<Dropped> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (!entries.length && !loose.length) loose.push(...Array.from(data.files ?? []));
  return walkEntries(entries).then((d) => ({
    items: [...loose.map((file) => ({ path: file.name, file })), ...d.items],
    folders: d.folders,
  }));
}

/** Walks file system entries (of a drop) into files with paths and the list of folders. */
export async function walkEntries(entries: FileSystemEntry[]): Promise<Dropped> {
  const out: Dropped = { items: [], folders: [] };
  const visit = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.items.push({ path, file });
    } else if (entry.isDirectory) {
      out.folders.push(path);
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches (100 in Chrome) until it answers none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (!batch.length) break;
        for (const child of batch) await visit(child, path);
      }
    }
  };
  for (const entry of entries) await visit(entry, "");
  return out;
}

/** The folders among `folders` that hold no uploaded file (only those need their own request). */
export function emptyFolders(dropped: Dropped): string[] {
  return dropped.folders.filter(
    (f) =>
      !dropped.items.some((i) => i.path.startsWith(`${f}/`)) &&
      !dropped.folders.some((g) => g.startsWith(`${f}/`)),
  );
}
