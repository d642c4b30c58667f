import { useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { ApiError } from "../api/client";
import { useStore } from "../store";
import { Icon, fileIcon } from "../ui/Icon";
import { Overlay } from "../ui/Overlay";
import "./explorer.css";
import {
  createEntry,
  deleteEntry,
  ideStore,
  isDirty,
  loadFolder,
  openFile,
  renameEntry,
  toggleFolder,
  type Tab,
} from "./ideStore";
import {
  downloadZip,
  droppedEntries,
  emptyFolders,
  importZip,
  itemsFromInput,
  saveFile,
  uploadFiles,
  type Dropped,
  type Progress,
  type Refusal,
  type TransferResult,
} from "./transfer";
import { visibleRows, windowOf, type Row } from "./tree";

const ROW = 22;

/**
 * The paths of the tabs with unsaved text, as one string: it changes only when that set does, so
 * typing in the editor (which changes `tabs` on every key) does not re-render the tree.
 */
export const dirtyPaths = (tabs: Tab[]) =>
  tabs
    .filter(isDirty)
    .map((t) => t.path)
    .join("\n");

type Editing =
  { kind: "rename"; path: string } | { kind: "create"; parent: string; type: "file" | "dir" };

interface Transfer {
  label: string;
  progress: Progress;
  abort: AbortController;
}

interface Report {
  summary: string;
  refused: Refusal[];
  error?: string;
}

const parentOf = (path: string) => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};

/**
 * The file tree: virtualized (only the rows in view are in the DOM), lazy, filterable; files and
 * folders come in by drop or picker, a .zip is unpacked on the server, a folder goes out as a .zip.
 */
export function Explorer() {
  const children = useStore(ideStore, (s) => s.children);
  const expanded = useStore(ideStore, (s) => s.expanded);
  const filter = useStore(ideStore, (s) => s.filter);
  const selected = useStore(ideStore, (s) => s.selected);
  const workspaceId = useStore(ideStore, (s) => s.workspaceId);
  const dirtyKey = useStore(ideStore, (s) => dirtyPaths(s.tabs));
  const dirty = useMemo(() => new Set(dirtyKey.split("\n")), [dirtyKey]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);

  const rows = useMemo(() => {
    const visible = visibleRows(children, expanded, filter);
    if (editing?.kind !== "create") return visible;
    // The name input of a new entry sits first in its folder.
    const at = editing.parent ? visible.findIndex((r) => r.entry.path === editing.parent) : -1;
    const depth = at < 0 ? 0 : visible[at].depth + 1;
    const draft: Row = {
      entry: { name: "", path: "\0new", type: editing.type, size: 0, modified: 0 },
      depth,
    };
    return [...visible.slice(0, at + 1), draft, ...visible.slice(at + 1)];
  }, [children, expanded, filter, editing]);
  const { first, last } = windowOf(rows.length, ROW, scrollTop, height);
  const selectedIndex = rows.findIndex((r) => r.entry.path === selected);
  const selectedRow = rows[selectedIndex];
  const selectedFolder = selectedRow?.entry.type === "dir" ? selectedRow.entry.path : null;

  const run = (action: Promise<unknown>) =>
    action.then(
      () => setError(null),
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );

  function focusTree() {
    list.current?.focus();
  }

  function activate(index: number) {
    const row = rows[index];
    if (!row) return;
    ideStore.set((s) => ({ ...s, selected: row.entry.path }));
    if (row.entry.type === "dir") void run(toggleFolder(row.entry.path));
    else void run(openFile(row.entry.path));
  }

  function select(index: number) {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    ideStore.set((s) => ({ ...s, selected: row.entry.path }));
    const el = list.current;
    const top = Math.max(0, Math.min(rows.length - 1, index)) * ROW;
    if (el && (top < el.scrollTop || top + ROW > el.scrollTop + el.clientHeight)) {
      el.scrollTop = top - el.clientHeight / 2;
    }
  }

  function onKey(e: KeyboardEvent) {
    if (e.target !== e.currentTarget) return; // keys typed into an inline name input
    const row = rows[selectedIndex];
    if (e.key === "ArrowDown") select(selectedIndex + 1);
    else if (e.key === "ArrowUp") select(selectedIndex - 1);
    else if (e.key === "Enter") activate(selectedIndex);
    else if (e.key === "ArrowRight" && row?.entry.type === "dir" && !expanded[row.entry.path])
      activate(selectedIndex);
    else if (e.key === "ArrowLeft" && row?.entry.type === "dir" && expanded[row.entry.path])
      activate(selectedIndex);
    else if (e.key === "Delete" && row) setConfirming(row.entry.path);
    else if (e.key === "F2" && row) setEditing({ kind: "rename", path: row.entry.path });
    else return;
    e.preventDefault();
  }

  /** The folder new things go to: the selected folder, or the selected file's. */
  function targetFolder() {
    if (!selectedRow) return "";
    return selectedRow.entry.type === "dir"
      ? selectedRow.entry.path
      : parentOf(selectedRow.entry.path);
  }

  async function startCreate(type: "file" | "dir") {
    const parent = targetFolder();
    if (parent && !ideStore.get().expanded[parent]) await run(toggleFolder(parent));
    setEditing({ kind: "create", parent, type });
  }

  function finishEditing(name: string | null) {
    const was = editing;
    setEditing(null);
    focusTree();
    if (!was || !name) return;
    if (was.kind === "create") void run(createEntry(was.parent, name, was.type));
    else if (name !== was.path.split("/").at(-1)) {
      const to = parentOf(was.path) ? `${parentOf(was.path)}/${name}` : name;
      void run(
        renameEntry(was.path, name).then(() => ideStore.set((s) => ({ ...s, selected: to }))),
      );
    }
  }

  function remove(path: string) {
    setConfirming(null);
    focusTree();
    void run(deleteEntry(path));
  }

  /** Runs one transfer at a time, with progress, then shows what was refused and reloads. */
  async function transferInto(
    folder: string,
    label: string,
    work: (options: {
      onProgress: (p: Progress) => void;
      signal: AbortSignal;
    }) => Promise<TransferResult>,
  ) {
    if (!workspaceId || transfer) return;
    const abort = new AbortController();
    setReport(null);
    setError(null);
    setTransfer({ label, progress: { done: 0, total: null, bytes: 0 }, abort });
    let result: TransferResult;
    try {
      result = await work({
        signal: abort.signal,
        onProgress: (progress) => setTransfer((t) => (t ? { ...t, progress } : t)),
      });
    } catch (e) {
      const error = abort.signal.aborted
        ? "Cancelled."
        : e instanceof Error
          ? e.message
          : String(e);
      result = { written: 0, refused: [], error };
    }
    setTransfer(null);
    const where = folder || "the workspace";
    setReport({
      summary: `${result.written} ${result.written === 1 ? "file" : "files"} written to ${where}${
        result.refused.length ? `, ${result.refused.length} refused` : ""
      }.`,
      refused: result.refused,
      error: result.error,
    });
    const state = ideStore.get();
    if (folder && !state.expanded[folder]) await run(toggleFolder(folder));
    const loaded = Object.keys(ideStore.get().children).filter(
      (p) => p === folder || folder === "" || p.startsWith(`${folder}/`),
    );
    await run(Promise.all(loaded.map((p) => loadFolder(p))));
  }

  function upload(folder: string, dropped: Dropped) {
    if (!dropped.items.length && !dropped.folders.length) return;
    const count = dropped.items.length;
    void transferInto(folder, `Uploading ${count} ${count === 1 ? "file" : "files"}`, (o) =>
      uploadFiles(workspaceId!, folder, dropped.items, { ...o, folders: emptyFolders(dropped) }),
    );
  }

  function importArchive(folder: string, zip: File) {
    void transferInto(folder, `Importing ${zip.name}`, (o) =>
      importZip(workspaceId!, folder, zip, o),
    );
  }

  async function download() {
    if (!workspaceId || transfer) return;
    const folder = selectedFolder ?? "";
    const abort = new AbortController();
    setReport(null);
    setTransfer({
      label: `Downloading ${folder || "the workspace"}`,
      progress: { done: 0, total: null, bytes: 0 },
      abort,
    });
    try {
      const { blob, name } = await downloadZip(workspaceId, folder, {
        signal: abort.signal,
        onProgress: (progress) => setTransfer((t) => (t ? { ...t, progress } : t)),
      });
      saveFile(blob, name);
      setError(null);
    } catch (e) {
      if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setTransfer(null);
    }
  }

  function dropFolderAt(e: DragEvent): string {
    const row = (e.target as HTMLElement).closest<HTMLElement>("[data-path]");
    if (!row) return "";
    const path = row.dataset.path!;
    return row.dataset.type === "dir" ? path : parentOf(path);
  }

  function onDragOver(e: DragEvent) {
    if (!e.dataTransfer.types.includes("Files") || !workspaceId) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    const folder = dropFolderAt(e);
    if (folder !== dropTarget) setDropTarget(folder);
  }

  function onDrop(e: DragEvent) {
    if (!e.dataTransfer.types.includes("Files") || !workspaceId) return;
    e.preventDefault();
    const folder = dropFolderAt(e);
    setDropTarget(null);
    // The entries are taken now: the browser empties the DataTransfer once the event is over.
    const pending = droppedEntries(e.dataTransfer);
    void pending.then(
      (dropped) => upload(folder, dropped),
      (err) => setError(`Cannot read what was dropped: ${String(err)}`),
    );
  }

  const busy = transfer !== null || !workspaceId;
  const downloadLabel = selectedFolder
    ? `Download ${selectedFolder} as .zip`
    : "Download the workspace as .zip";

  return (
    <section className="explorer" aria-label="Files">
      <div className="explorer-bar" role="toolbar" aria-label="File actions">
        <button
          type="button"
          className="icon-btn"
          aria-label="New file"
          title="New file"
          disabled={!workspaceId}
          onClick={() => void startCreate("file")}
        >
          <Icon name="new-file" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="New folder"
          title="New folder"
          disabled={!workspaceId}
          onClick={() => void startCreate("dir")}
        >
          <Icon name="new-folder" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Rename"
          title="Rename the selected entry (F2)"
          disabled={!selectedRow}
          onClick={() => selected && setEditing({ kind: "rename", path: selected })}
        >
          <Icon name="edit" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Delete"
          title="Delete the selected entry (Delete)"
          disabled={!selectedRow}
          onClick={() => selected && setConfirming(selected)}
        >
          <Icon name="trash" />
        </button>
        <span className="explorer-sep" aria-hidden="true" />
        <button
          type="button"
          className="icon-btn"
          aria-label="Upload files"
          title="Upload files (or drop them on the tree)"
          disabled={busy}
          onClick={() => filesInput.current?.click()}
        >
          <Icon name="cloud-upload" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Upload folder"
          title="Upload a folder (or drop it on the tree)"
          disabled={busy}
          onClick={() => folderInput.current?.click()}
        >
          <Icon name="root-folder" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Import .zip"
          title="Import a .zip: unpacked into the selected folder"
          disabled={busy}
          onClick={() => zipInput.current?.click()}
        >
          <Icon name="file-zip" />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label={downloadLabel}
          title={downloadLabel}
          disabled={busy}
          onClick={() => void download()}
        >
          <Icon name="cloud-download" />
        </button>
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => {
            const items = itemsFromInput(e.target.files ?? []).map((i) => ({
              ...i,
              path: i.file instanceof File ? i.file.name : i.path,
            }));
            e.target.value = "";
            upload(targetFolder(), { items, folders: [] });
          }}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          aria-label="Folder to upload"
          {...{ webkitdirectory: "" }}
          onChange={(e) => {
            const items = itemsFromInput(e.target.files ?? []);
            e.target.value = "";
            upload(targetFolder(), { items, folders: [] });
          }}
        />
        <input
          ref={zipInput}
          type="file"
          accept=".zip,application/zip"
          hidden
          aria-label="Archive to import"
          onChange={(e) => {
            const zip = e.target.files?.[0];
            e.target.value = "";
            if (zip) importArchive(targetFolder(), zip);
          }}
        />
      </div>
      <div className="explorer-filter">
        <input
          aria-label="Filter files"
          placeholder="Filter"
          value={filter}
          onChange={(e) => ideStore.set((s) => ({ ...s, filter: e.target.value }))}
        />
      </div>
      {transfer && (
        <div className="transfer" role="status">
          <div className="transfer-line">
            <span className="transfer-label">
              {transfer.label}
              {transfer.progress.total !== null
                ? `: ${transfer.progress.done} of ${transfer.progress.total}`
                : transfer.progress.done
                  ? `: ${transfer.progress.done} entries`
                  : ""}
              {transfer.progress.bytes ? ` (${formatBytes(transfer.progress.bytes)})` : ""}
            </span>
            <button
              type="button"
              className="icon-btn"
              aria-label="Cancel the transfer"
              title="Cancel"
              onClick={() => transfer.abort.abort()}
            >
              <Icon name="close" />
            </button>
          </div>
          {transfer.progress.total ? (
            <progress
              aria-label="Transfer progress"
              value={transfer.progress.done}
              max={transfer.progress.total}
            />
          ) : (
            <progress aria-label="Transfer progress" />
          )}
        </div>
      )}
      {report && (
        <div
          className={`transfer-report${report.refused.length || report.error ? " has-errors" : ""}`}
          role={report.refused.length || report.error ? "alert" : "status"}
        >
          <div className="transfer-line">
            <span>
              <Icon
                name={report.refused.length || report.error ? "warning" : "check"}
                className="transfer-icon"
              />{" "}
              {report.summary}
            </span>
            <button
              type="button"
              className="icon-btn"
              aria-label="Dismiss the report"
              title="Dismiss"
              onClick={() => setReport(null)}
            >
              <Icon name="close" />
            </button>
          </div>
          {report.error && <p className="transfer-error">{report.error}</p>}
          {report.refused.length > 0 && (
            <ul className="refused" aria-label="Refused entries">
              {report.refused.map((r, i) => (
                <li key={`${r.path}\n${i}`}>
                  <code>{r.path}</code>
                  <span className="muted">{r.error}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div
        className={`tree${dropTarget === "" ? " drop-target" : ""}`}
        role="tree"
        aria-label="Workspace files"
        aria-activedescendant={
          selectedIndex >= first && selectedIndex < last
            ? `explorer-row-${selectedIndex}`
            : undefined
        }
        tabIndex={0}
        ref={(el) => {
          list.current = el;
          if (el && el.clientHeight && el.clientHeight !== height) setHeight(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKey}
        onDragOver={onDragOver}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget(null);
        }}
        onDrop={onDrop}
      >
        <div style={{ height: rows.length * ROW, position: "relative" }}>
          {rows.slice(first, last).map((row, i) => {
            const index = first + i;
            const { entry } = row;
            const isDir = entry.type === "dir";
            const style = { top: index * ROW, height: ROW, paddingLeft: 6 + row.depth * 12 };
            const chevron = isDir ? (
              <Icon
                name={expanded[entry.path] ? "chevron-down" : "chevron-right"}
                className="twistie"
              />
            ) : (
              <span className="twistie" />
            );
            const icon = (
              <Icon
                name={
                  isDir ? (expanded[entry.path] ? "folder-opened" : "folder") : fileIcon(entry.name)
                }
                className="kind"
              />
            );
            if (entry.path === "\0new" && editing?.kind === "create") {
              const what = editing.type === "dir" ? "folder" : "file";
              return (
                <div
                  key="\0new"
                  role="treeitem"
                  aria-selected={false}
                  className="row editing"
                  style={style}
                >
                  <span className="twistie" />
                  <Icon name={editing.type === "dir" ? "folder" : "file"} className="kind" />
                  <NameInput
                    label={`Name of the new ${what}${editing.parent ? ` in ${editing.parent}` : ""}`}
                    initial=""
                    onDone={finishEditing}
                  />
                </div>
              );
            }
            const renaming = editing?.kind === "rename" && editing.path === entry.path;
            const dropHere =
              dropTarget !== null && dropTarget !== "" && isDir && dropTarget === entry.path;
            return (
              <div
                key={entry.path}
                id={`explorer-row-${index}`}
                role="treeitem"
                aria-selected={entry.path === selected}
                aria-expanded={isDir ? !!expanded[entry.path] : undefined}
                aria-level={row.depth + 1}
                data-path={entry.path}
                data-type={entry.type}
                className={`row${entry.path === selected ? " selected" : ""}${
                  dropHere ? " drop-target" : ""
                }`}
                style={style}
                onClick={() => !renaming && activate(index)}
                title={entry.path}
              >
                {chevron}
                {icon}
                {renaming ? (
                  <NameInput
                    label={`New name of ${entry.path}`}
                    initial={entry.name}
                    onDone={finishEditing}
                  />
                ) : (
                  <span className="name">{entry.name}</span>
                )}
                {dirty.has(entry.path) && (
                  <Icon name="circle-filled" label="unsaved changes" className="dirty" />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {confirming && (
        <Overlay
          label="Delete"
          className="confirm"
          onClose={() => {
            setConfirming(null);
            focusTree();
          }}
        >
          <div className="overlay-body confirm-body">
            <p>
              Delete <code>{confirming}</code>
              {rows.find((r) => r.entry.path === confirming)?.entry.type === "dir"
                ? " and everything in it"
                : ""}
              ? This cannot be undone.
            </p>
            <div className="confirm-actions">
              <button
                type="button"
                onClick={() => {
                  setConfirming(null);
                  focusTree();
                }}
              >
                Cancel
              </button>
              <button type="button" className="danger" onClick={() => remove(confirming)}>
                Delete
              </button>
            </div>
          </div>
        </Overlay>
      )}
    </section>
  );
}

/**
 * An inline name field in the tree: Enter or leaving it keeps the name, Escape drops it. For a
 * rename the name before the extension is selected, as editors do.
 */
function NameInput({
  label,
  initial,
  onDone,
}: {
  label: string;
  initial: string;
  onDone: (name: string | null) => void;
}) {
  const finished = useRef(false);
  const finish = (name: string | null) => {
    if (finished.current) return; // Enter unmounts the field, which then blurs
    finished.current = true;
    onDone(name && name.trim() ? name.trim() : null);
  };
  return (
    <input
      className="name-input"
      aria-label={label}
      defaultValue={initial}
      autoFocus
      onFocus={(e) => {
        const dot = initial.lastIndexOf(".");
        e.currentTarget.setSelectionRange(0, dot > 0 ? dot : initial.length);
      }}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key === "Enter") finish(e.currentTarget.value);
        else if (e.key === "Escape") finish(null);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
      onBlur={(e) => finish(e.currentTarget.value)}
    />
  );
}

function formatBytes(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
