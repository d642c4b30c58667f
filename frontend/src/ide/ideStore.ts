import { ApiError, files, type FileEntry, type Workspace } from "../api/client";
import { createStore } from "../store";

/** Over this size a file opens as plain text (no language services). */
export const PLAIN_TEXT_BYTES = 1024 * 1024;
/** Over this size a file opens read-only. */
export const READ_ONLY_BYTES = 5 * 1024 * 1024;
const AUTOSAVE_MS = 800;

export interface Tab {
  path: string;
  text: string;
  savedText: string;
  /** The version the text was based on; null for a file not saved yet. */
  etag: string | null;
  mode: "normal" | "plain" | "readonly";
  notice?: string;
  saving: boolean;
  conflict?: { serverText: string; serverEtag: string };
  /** A proposed change ("Apply" on a code block) waiting for accept or reject. */
  proposal?: string;
  error?: string;
}

export interface IdeState {
  workspaces: Workspace[];
  workspaceId: string | null;
  /** Loaded folder listings by folder path ("" is the root). */
  children: Record<string, FileEntry[]>;
  expanded: Record<string, boolean>;
  filter: string;
  selected: string | null;
  tabs: Tab[];
  active: string | null;
}

export const ideStore = createStore<IdeState>({
  workspaces: [],
  workspaceId: null,
  children: {},
  expanded: {},
  filter: "",
  selected: null,
  tabs: [],
  active: null,
});

const set = ideStore.set;
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export const isDirty = (tab: Tab) => tab.text !== tab.savedText;

function draftKey(path: string) {
  return `aicoder.draft.${ideStore.get().workspaceId}.${path}`;
}

function updateTab(path: string, change: (tab: Tab) => Tab) {
  set((s) => ({ ...s, tabs: s.tabs.map((t) => (t.path === path ? change(t) : t)) }));
}

export function tab(path: string | null): Tab | undefined {
  return ideStore.get().tabs.find((t) => t.path === path);
}

export async function openWorkspace(workspaceId: string) {
  set((s) => ({ ...s, workspaceId, children: {}, expanded: { "": true }, tabs: [], active: null }));
  await loadFolder("");
}

/** Loads every page of one folder, showing each page as it arrives. */
export async function loadFolder(path: string) {
  const id = ideStore.get().workspaceId;
  if (!id) return;
  let entries: FileEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await files.list(id, path, cursor);
    entries = [...entries, ...page.entries];
    const shown = entries;
    set((s) => ({ ...s, children: { ...s.children, [path]: shown } }));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export async function toggleFolder(path: string) {
  const open = !ideStore.get().expanded[path];
  set((s) => ({ ...s, expanded: { ...s.expanded, [path]: open } }));
  if (open && !ideStore.get().children[path]) await loadFolder(path);
}

function parentOf(path: string) {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export async function openFile(path: string) {
  set((s) => ({ ...s, selected: path }));
  if (tab(path)) {
    set((s) => ({ ...s, active: path }));
    return;
  }
  const id = ideStore.get().workspaceId!;
  const file = await files.read(id, path);
  const mode =
    file.size > READ_ONLY_BYTES ? "readonly" : file.size > PLAIN_TEXT_BYTES ? "plain" : "normal";
  const notice = file.binary
    ? "Binary file: not shown."
    : mode === "readonly"
      ? "Large file: opened read-only."
      : mode === "plain"
        ? "Large file: plain text, no language features."
        : undefined;
  const draft = localStorage.getItem(draftKey(path));
  const opened: Tab = {
    path,
    text: draft ?? file.text,
    savedText: file.text,
    etag: file.etag,
    mode: file.binary ? "readonly" : mode,
    notice,
    saving: false,
  };
  set((s) => ({ ...s, tabs: [...s.tabs, opened], active: path }));
  if (draft !== null && draft !== file.text) scheduleSave(path);
}

export function closeTab(path: string) {
  set((s) => {
    const tabs = s.tabs.filter((t) => t.path !== path);
    const active = s.active === path ? (tabs.at(-1)?.path ?? null) : s.active;
    return { ...s, tabs, active };
  });
}

/** The user typed: keep the text, remember it as a draft, save after a pause. */
export function edit(path: string, text: string) {
  updateTab(path, (t) => ({ ...t, text }));
  localStorage.setItem(draftKey(path), text);
  scheduleSave(path);
}

function scheduleSave(path: string) {
  clearTimeout(timers.get(path));
  timers.set(
    path,
    setTimeout(() => void save(path), AUTOSAVE_MS),
  );
}

/** Saves with If-Match; a 412 puts the tab into conflict with the server's version. */
export async function save(path: string) {
  const current = tab(path);
  if (!current || current.saving || current.conflict || !isDirty(current)) return;
  const text = current.text;
  updateTab(path, (t) => ({ ...t, saving: true, error: undefined }));
  try {
    const etag = await files.write(ideStore.get().workspaceId!, path, text, current.etag);
    updateTab(path, (t) => ({ ...t, saving: false, savedText: text, etag }));
    if (tab(path)?.text === text) localStorage.removeItem(draftKey(path));
    else scheduleSave(path); // typed while saving
  } catch (e) {
    if (e instanceof ApiError && e.status === 412) {
      const serverText = String(e.problem.currentContent ?? "");
      const serverEtag = String(e.problem.currentEtag ?? "");
      updateTab(path, (t) => ({ ...t, saving: false, conflict: { serverText, serverEtag } }));
    } else {
      updateTab(path, (t) => ({
        ...t,
        saving: false,
        error: e instanceof Error ? e.message : "Save failed",
      }));
      if (!(e instanceof ApiError && e.status === 401)) scheduleSave(path);
    }
  }
}

/** Ends a conflict: keep my text (over the server's version) or take the server's. */
export async function resolveConflict(path: string, keep: "mine" | "theirs") {
  const t = tab(path);
  if (!t?.conflict) return;
  const { serverText, serverEtag } = t.conflict;
  if (keep === "theirs") {
    updateTab(path, (x) => ({
      ...x,
      text: serverText,
      savedText: serverText,
      etag: serverEtag,
      conflict: undefined,
    }));
    localStorage.removeItem(draftKey(path));
    return;
  }
  updateTab(path, (x) => ({ ...x, savedText: serverText, etag: serverEtag, conflict: undefined }));
  await save(path);
}

/** Shows a proposed change to a file in the diff view, opening the file first. */
export async function propose(path: string, text: string) {
  if (!tab(path)) {
    try {
      await openFile(path);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      const created: Tab = {
        path,
        text: "",
        savedText: "",
        etag: null,
        mode: "normal",
        saving: false,
      };
      set((s) => ({ ...s, tabs: [...s.tabs, created] }));
    }
  }
  updateTab(path, (t) => ({ ...t, proposal: text }));
  set((s) => ({ ...s, active: path }));
}

export function decideProposal(path: string, accept: boolean) {
  const t = tab(path);
  if (!t?.proposal) return;
  const text = t.proposal;
  updateTab(path, (x) => ({ ...x, proposal: undefined }));
  if (accept) {
    edit(path, text);
    void save(path);
  }
}

export async function createEntry(parent: string, name: string, kind: "file" | "dir") {
  const id = ideStore.get().workspaceId!;
  const path = parent ? `${parent}/${name}` : name;
  if (kind === "dir") await files.mkdir(id, path);
  else await files.write(id, path, "", null);
  await loadFolder(parent);
  if (kind === "file") await openFile(path);
}

export async function renameEntry(path: string, name: string) {
  const parent = parentOf(path);
  const to = parent ? `${parent}/${name}` : name;
  await files.move(ideStore.get().workspaceId!, path, to);
  set((s) => ({
    ...s,
    tabs: s.tabs.map((t) => (t.path === path ? { ...t, path: to } : t)),
    active: s.active === path ? to : s.active,
  }));
  await loadFolder(parent);
}

export async function deleteEntry(path: string) {
  await files.remove(ideStore.get().workspaceId!, path);
  set((s) => ({
    ...s,
    tabs: s.tabs.filter((t) => t.path !== path && !t.path.startsWith(`${path}/`)),
    active: s.active === path ? null : s.active,
  }));
  await loadFolder(parentOf(path));
}
