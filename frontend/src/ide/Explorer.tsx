import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { ApiError } from "../api/client";
import { useStore } from "../store";
import {
  createEntry,
  deleteEntry,
  ideStore,
  isDirty,
  openFile,
  renameEntry,
  toggleFolder,
} from "./ideStore";
import { visibleRows, windowOf } from "./tree";

const ROW = 22;

/** The file tree: virtualized (only the rows in view are in the DOM), lazy, filterable. */
export function Explorer() {
  const children = useStore(ideStore, (s) => s.children);
  const expanded = useStore(ideStore, (s) => s.expanded);
  const filter = useStore(ideStore, (s) => s.filter);
  const selected = useStore(ideStore, (s) => s.selected);
  const tabs = useStore(ideStore, (s) => s.tabs);
  const rows = useMemo(() => visibleRows(children, expanded, filter), [children, expanded, filter]);
  const dirty = useMemo(() => new Set(tabs.filter(isDirty).map((t) => t.path)), [tabs]);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const { first, last } = windowOf(rows.length, ROW, scrollTop, height);
  const selectedIndex = rows.findIndex((r) => r.entry.path === selected);

  const run = (action: Promise<unknown>) =>
    action.then(
      () => setError(null),
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );

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
    const row = rows[selectedIndex];
    if (e.key === "ArrowDown") select(selectedIndex + 1);
    else if (e.key === "ArrowUp") select(selectedIndex - 1);
    else if (e.key === "Enter") activate(selectedIndex);
    else if (e.key === "ArrowRight" && row?.entry.type === "dir" && !expanded[row.entry.path])
      activate(selectedIndex);
    else if (e.key === "ArrowLeft" && row?.entry.type === "dir" && expanded[row.entry.path])
      activate(selectedIndex);
    else if (e.key === "Delete" && row) remove(row.entry.path);
    else if (e.key === "F2" && row) rename(row.entry.path);
    else return;
    e.preventDefault();
  }

  function folderOfSelection() {
    const row = rows[selectedIndex];
    if (!row) return "";
    if (row.entry.type === "dir") return row.entry.path;
    const i = row.entry.path.lastIndexOf("/");
    return i < 0 ? "" : row.entry.path.slice(0, i);
  }

  function create(kind: "file" | "dir") {
    const name = window.prompt(kind === "dir" ? "New folder name" : "New file name");
    if (name) void run(createEntry(folderOfSelection(), name, kind));
  }

  function rename(path: string) {
    const name = window.prompt("Rename to", path.split("/").at(-1));
    if (name) void run(renameEntry(path, name));
  }

  function remove(path: string) {
    if (window.confirm(`Delete ${path}? This cannot be undone.`)) void run(deleteEntry(path));
  }

  return (
    <section className="explorer" aria-label="Files">
      <div className="explorer-bar">
        <input
          aria-label="Filter files"
          placeholder="Filter"
          value={filter}
          onChange={(e) => ideStore.set((s) => ({ ...s, filter: e.target.value }))}
        />
        <button type="button" title="New file" onClick={() => create("file")}>
          +
        </button>
        <button type="button" title="New folder" onClick={() => create("dir")}>
          ⊞
        </button>
        <button
          type="button"
          title="Rename the selected entry (F2)"
          disabled={!selected}
          onClick={() => selected && rename(selected)}
        >
          ✎
        </button>
        <button
          type="button"
          title="Delete the selected entry (Delete)"
          disabled={!selected}
          onClick={() => selected && remove(selected)}
        >
          🗑
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div
        className="tree"
        role="tree"
        tabIndex={0}
        ref={(el) => {
          list.current = el;
          if (el && el.clientHeight && el.clientHeight !== height) setHeight(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKey}
      >
        <div style={{ height: rows.length * ROW, position: "relative" }}>
          {rows.slice(first, last).map((row, i) => {
            const index = first + i;
            const { entry } = row;
            return (
              <div
                key={entry.path}
                role="treeitem"
                aria-selected={entry.path === selected}
                aria-expanded={entry.type === "dir" ? !!expanded[entry.path] : undefined}
                className={`row${entry.path === selected ? " selected" : ""}`}
                style={{ top: index * ROW, height: ROW, paddingLeft: 8 + row.depth * 14 }}
                onClick={() => activate(index)}
                title={entry.path}
              >
                <span className="icon">
                  {entry.type === "dir" ? (expanded[entry.path] ? "▾" : "▸") : " "}
                </span>
                {entry.name}
                {dirty.has(entry.path) && (
                  <span className="dirty" aria-label="unsaved changes">
                    {" "}
                    ●
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
