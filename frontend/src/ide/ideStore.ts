import { ApiError, files, type FileEntry, type Workspace } from "../api/client";
import { getSession, onSessionEnd } from "../auth/session";
import { createStore } from "../store";
import {
  createBuffer,
  dropAllBuffers,
  dropBuffer,
  onBufferChange,
  renameBuffer,
  setText,
  textOf,
  versionOf,
} from "./buffers";

/** Over this size a file opens as plain text (no language services). */
export const PLAIN_TEXT_BYTES = 1024 * 1024;
/** Over this size a file opens read-only. */
export const READ_ONLY_BYTES = 5 * 1024 * 1024;
export const AUTOSAVE_MS = 800;
/** Unsaved text goes to localStorage at most this often while typing (and when the page goes). */
export const DRAFT_MS = 500;

/**
 * One open file. Its text is not here: it lives in the file's buffer (buffers.ts), the editor's
 * model once shown, so a keystroke changes this state only when the file turns dirty.
 */
export interface Tab {
  path: string;
  /** The text differs from the version at `etag` (or from the server's, in a conflict). */
  dirty: boolean;
  /** The buffer's version (buffers.versionOf) that the server holds at `etag`; -1 when none. */
  savedVersion: number;
  /** The version the text was based on; null for a file not saved yet. */
  etag: string | null;
  mode: "normal" | "plain" | "readonly";
  notice?: string;
  saving: boolean;
  /**
   * The server changed the file since `etag`. The conflict view shows the server's text next to
   * the buffer, where the user merges; "Keep mine" saves the buffer over `serverEtag`.
   */
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
  /** A line to show in an open file's editor (quick open, search results); null once shown. */
  reveal: { path: string; line: number } | null;
}

const initial: IdeState = {
  workspaces: [],
  workspaceId: null,
  children: {},
  expanded: {},
  filter: "",
  selected: null,
  tabs: [],
  active: null,
  reveal: null,
};

export const ideStore = createStore<IdeState>(initial);

const set = ideStore.set;
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const inflight = new Map<string, Promise<void>>();

/**
 * Drops the signed-out user's files and tabs, and the saves still waiting to run for them. Their
 * unsaved text is kept as drafts first (an expired session loses nothing; an explicit sign-out
 * has dropped the drafts already, see dropDrafts).
 */
export function resetIde() {
  flushDrafts();
  timers.forEach(clearTimeout);
  timers.clear();
  inflight.clear();
  dropAllBuffers();
  set(() => initial);
}
onSessionEnd(resetIde);

export const isDirty = (tab: Tab) => tab.dirty;

/** The text of an open file (read from its editor model when it has one). */
export { textOf } from "./buffers";

// The user typed (or an edit was applied): mark the file dirty or clean again (undo), save after
// a pause, keep a draft. Runs on each keystroke, so it copies no text and sets state only when
// the dirty flag flips.
onBufferChange((path) => {
  const t = tab(path);
  if (!t) return;
  const dirty = t.conflict ? true : versionOf(path) !== t.savedVersion;
  if (dirty !== t.dirty) updateTab(path, (x) => ({ ...x, dirty }));
  if (dirty) scheduleSave(path);
  scheduleDraft(path);
});

/**
 * Unsaved text kept in localStorage (it outlives a reload or an expired session), with the version
 * it was edited from: opened again, it is saved only over that version, else it is a conflict.
 */
interface Draft {
  text: string;
  base: string | null;
}

const DRAFTS = "aicoder.draft.";

// Per user: a draft is shown only to the user who wrote it.
function draftKey(path: string): string | null {
  const user = getSession()?.username;
  const workspace = ideStore.get().workspaceId;
  return user && workspace ? `${DRAFTS}${user}.${workspace}.${path}` : null;
}

function readDraft(path: string): Draft | null {
  const key = draftKey(path);
  const raw = key ? localStorage.getItem(key) : null;
  if (raw === null) return null;
  try {
    const draft = JSON.parse(raw) as Partial<Draft>;
    if (typeof draft.text === "string") return { text: draft.text, base: draft.base ?? null };
  } catch {
    // not a draft this version wrote
  }
  return null;
}

function writeDraft(path: string, text: string, base: string | null, key = draftKey(path)) {
  if (key) localStorage.setItem(key, JSON.stringify({ text, base } satisfies Draft));
}

function removeDraft(path: string, key = draftKey(path)) {
  if (key) localStorage.removeItem(key);
}

/** Files whose draft is to be written or removed, with the key taken when they changed. */
const pendingDrafts = new Map<string, string | null>();
let draftTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleDraft(path: string) {
  pendingDrafts.set(path, draftKey(path));
  draftTimer ??= setTimeout(flushDrafts, DRAFT_MS);
}

/**
 * Writes the drafts of the files changed since the last time (the text as it is now), and removes
 * those of files clean again. Also when the page goes away, so a reload loses nothing.
 */
export function flushDrafts() {
  clearTimeout(draftTimer);
  draftTimer = undefined;
  for (const [path, key] of pendingDrafts) {
    const t = tab(path);
    if (!t) continue;
    if (t.dirty) writeDraft(path, textOf(path), t.etag, key);
    else removeDraft(path, key);
  }
  pendingDrafts.clear();
}
window.addEventListener("pagehide", flushDrafts);
// Mobile browsers may discard a hidden page without a pagehide.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") flushDrafts();
});

/** Removes every draft of one user (an explicit sign-out leaves nothing of theirs behind). */
export function dropDrafts(user: string) {
  pendingDrafts.clear();
  const prefix = `${DRAFTS}${user}.`;
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i));
  for (const key of keys) if (key?.startsWith(prefix)) localStorage.removeItem(key);
}

function updateTab(path: string, change: (tab: Tab) => Tab) {
  set((s) => ({ ...s, tabs: s.tabs.map((t) => (t.path === path ? change(t) : t)) }));
}

export function tab(path: string | null): Tab | undefined {
  return ideStore.get().tabs.find((t) => t.path === path);
}

export async function openWorkspace(workspaceId: string) {
  flushDrafts(); // under the workspace they belong to
  timers.forEach(clearTimeout); // the old workspace's files; their drafts keep what was unsaved
  timers.clear();
  dropAllBuffers();
  set((s) => ({
    ...s,
    workspaceId,
    children: {},
    expanded: { "": true },
    tabs: [],
    active: null,
    reveal: null,
  }));
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

/** Opens a file in a tab (or shows its tab); with `line`, the editor shows and selects that line. */
export async function openFile(path: string, options: { line?: number } = {}) {
  set((s) => ({ ...s, selected: path }));
  const show = () =>
    set((s) => ({
      ...s,
      active: path,
      reveal: options.line ? { path, line: options.line } : s.reveal,
    }));
  if (tab(path)) return show();
  const id = ideStore.get().workspaceId!;
  const file = await files.read(id, path);
  if (tab(path)) return show(); // opened twice at once
  const mode =
    file.size > READ_ONLY_BYTES ? "readonly" : file.size > PLAIN_TEXT_BYTES ? "plain" : "normal";
  const notice = file.binary
    ? "Binary file: not shown."
    : mode === "readonly"
      ? "Large file: opened read-only."
      : mode === "plain"
        ? "Large file: plain text, no language features."
        : undefined;
  const draft = file.binary || mode === "readonly" ? null : readDraft(path);
  const pending = draft !== null && draft.text !== file.text;
  if (draft && !pending) removeDraft(path);
  // A draft edited from an older version than the server's goes through the conflict view.
  const stale = pending && draft.base !== file.etag;
  createBuffer(path, pending ? draft.text : file.text);
  const opened: Tab = {
    path,
    dirty: pending,
    savedVersion: pending ? -1 : versionOf(path),
    etag: stale ? draft.base : file.etag,
    mode: file.binary ? "readonly" : mode,
    notice,
    saving: false,
    conflict: stale ? { serverText: file.text, serverEtag: file.etag } : undefined,
  };
  set((s) => ({ ...s, tabs: [...s.tabs, opened] }));
  show();
  if (pending && !stale) scheduleSave(path);
}

/** The editor has shown the line asked for. */
export function revealed() {
  set((s) => (s.reveal ? { ...s, reveal: null } : s));
}

/** Closes a tab; its unsaved text (asked about before) is dropped with its draft. */
export function closeTab(path: string) {
  clearTimeout(timers.get(path));
  timers.delete(path);
  if (tab(path)?.dirty) removeDraft(path);
  pendingDrafts.delete(path);
  dropBuffer(path);
  set((s) => {
    const tabs = s.tabs.filter((t) => t.path !== path);
    const active = s.active === path ? (tabs.at(-1)?.path ?? null) : s.active;
    return { ...s, tabs, active };
  });
}

/**
 * Replaces a file's whole text as the user would (one undoable edit in the editor): it turns
 * dirty, is saved after a pause and kept as a draft meanwhile.
 */
export function edit(path: string, text: string) {
  setText(path, text);
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
  if (!current || current.saving || current.conflict || !current.dirty) return;
  const done = write(path, current);
  inflight.set(path, done);
  try {
    await done;
  } finally {
    if (inflight.get(path) === done) inflight.delete(path);
  }
}

async function write(path: string, current: Tab) {
  const text = textOf(path); // what the editor holds now
  const version = versionOf(path);
  updateTab(path, (t) => ({ ...t, saving: true, error: undefined }));
  try {
    const etag = await files.write(ideStore.get().workspaceId!, path, text, current.etag);
    if (!tab(path)) return; // closed or signed out meanwhile
    const dirty = versionOf(path) !== version;
    updateTab(path, (t) => ({ ...t, saving: false, savedVersion: version, etag, dirty }));
    if (!dirty) removeDraft(path);
    else {
      writeDraft(path, textOf(path), etag); // typed while saving: the draft now builds on this save
      scheduleSave(path);
    }
  } catch (e) {
    if ((e as { name?: string } | null)?.name === "AbortError") return; // signed out meanwhile
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
  updateTab(path, (x) => ({ ...x, etag: serverEtag, conflict: undefined }));
  if (keep === "theirs") {
    if (textOf(path) !== serverText) setText(path, serverText); // undoable, like any edit
    updateTab(path, (x) => ({ ...x, dirty: false, savedVersion: versionOf(path) }));
    removeDraft(path);
    return;
  }
  const text = textOf(path); // as merged in the conflict view
  updateTab(path, (x) => ({ ...x, dirty: text !== serverText, savedVersion: -1 }));
  writeDraft(path, text, serverEtag);
  await save(path);
}

/** Saves every tab with unsaved text now; returns the paths still unsaved (conflict, failure). */
export async function saveAll(): Promise<string[]> {
  const dirty = ideStore.get().tabs.filter(isDirty);
  for (const t of dirty) clearTimeout(timers.get(t.path));
  await Promise.all(
    dirty.map(async (t) => {
      await inflight.get(t.path);
      await save(t.path);
    }),
  );
  return ideStore
    .get()
    .tabs.filter(isDirty)
    .map((t) => t.path);
}

/** Shows a proposed change to a file in the diff view, opening the file first. */
export async function propose(path: string, text: string) {
  if (!tab(path)) {
    try {
      await openFile(path);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      createBuffer(path, "");
      const created: Tab = {
        path,
        dirty: false,
        savedVersion: versionOf(path),
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
  flushDrafts(); // the draft as of now moves with the file
  const draft = readDraft(path);
  if (draft) {
    writeDraft(to, draft.text, draft.base);
    removeDraft(path);
  }
  renameBuffer(path, to);
  set((s) => ({
    ...s,
    tabs: s.tabs.map((t) => (t.path === path ? { ...t, path: to } : t)),
    active: s.active === path ? to : s.active,
  }));
  await loadFolder(parent);
}

export async function deleteEntry(path: string) {
  await files.remove(ideStore.get().workspaceId!, path);
  const gone = (p: string) => p === path || p.startsWith(`${path}/`);
  for (const t of ideStore.get().tabs) if (gone(t.path)) dropBuffer(t.path);
  set((s) => ({
    ...s,
    tabs: s.tabs.filter((t) => t.path !== path && !t.path.startsWith(`${path}/`)),
    active: s.active === path ? null : s.active,
  }));
  await loadFolder(parentOf(path));
}
