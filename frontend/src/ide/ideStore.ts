import { ApiError, files, type FileEntry, type Workspace } from "../api/client";
import { getSession, onSessionEnd } from "../auth/session";
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
  /** The server changed the file since `etag`; `merged` is what the user made of it so far. */
  conflict?: { serverText: string; serverEtag: string; merged?: string };
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

const initial: IdeState = {
  workspaces: [],
  workspaceId: null,
  children: {},
  expanded: {},
  filter: "",
  selected: null,
  tabs: [],
  active: null,
};

export const ideStore = createStore<IdeState>(initial);

const set = ideStore.set;
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const inflight = new Map<string, Promise<void>>();

/** Drops the signed-out user's files and tabs, and the saves still waiting to run for them. */
export function resetIde() {
  timers.forEach(clearTimeout);
  timers.clear();
  inflight.clear();
  set(() => initial);
}
onSessionEnd(resetIde);

export const isDirty = (tab: Tab) => tab.text !== tab.savedText;

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

function writeDraft(path: string, text: string, base: string | null) {
  const key = draftKey(path);
  if (key) localStorage.setItem(key, JSON.stringify({ text, base } satisfies Draft));
}

function removeDraft(path: string) {
  const key = draftKey(path);
  if (key) localStorage.removeItem(key);
}

/** Removes every draft of one user (an explicit sign-out leaves nothing of theirs behind). */
export function dropDrafts(user: string) {
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
  const draft = file.binary || mode === "readonly" ? null : readDraft(path);
  const pending = draft !== null && draft.text !== file.text;
  if (draft && !pending) removeDraft(path);
  // A draft edited from an older version than the server's goes through the conflict view.
  const stale = pending && draft.base !== file.etag;
  const opened: Tab = {
    path,
    text: pending ? draft.text : file.text,
    savedText: file.text,
    etag: stale ? draft.base : file.etag,
    mode: file.binary ? "readonly" : mode,
    notice,
    saving: false,
    conflict: stale ? { serverText: file.text, serverEtag: file.etag } : undefined,
  };
  set((s) => ({ ...s, tabs: [...s.tabs, opened], active: path }));
  if (pending && !stale) scheduleSave(path);
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
  writeDraft(path, text, tab(path)?.etag ?? null);
  scheduleSave(path);
}

/** The user's text in the conflict view so far (per file, until the conflict is resolved). */
export function setMerged(path: string, merged: string) {
  const t = tab(path);
  if (!t?.conflict) return;
  updateTab(path, (x) => (x.conflict ? { ...x, conflict: { ...x.conflict, merged } } : x));
  writeDraft(path, merged, t.etag); // still based on the old version: a reload shows the conflict
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
  const done = write(path, current);
  inflight.set(path, done);
  try {
    await done;
  } finally {
    if (inflight.get(path) === done) inflight.delete(path);
  }
}

async function write(path: string, current: Tab) {
  const text = current.text;
  updateTab(path, (t) => ({ ...t, saving: true, error: undefined }));
  try {
    const etag = await files.write(ideStore.get().workspaceId!, path, text, current.etag);
    updateTab(path, (t) => ({ ...t, saving: false, savedText: text, etag }));
    const now = tab(path);
    if (!now) return;
    if (now.text === text) removeDraft(path);
    else {
      writeDraft(path, now.text, etag); // typed while saving: the draft now builds on this save
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
  const { serverText, serverEtag, merged } = t.conflict;
  if (keep === "theirs") {
    updateTab(path, (x) => ({
      ...x,
      text: serverText,
      savedText: serverText,
      etag: serverEtag,
      conflict: undefined,
    }));
    removeDraft(path);
    return;
  }
  const text = merged ?? t.text;
  updateTab(path, (x) => ({
    ...x,
    text,
    savedText: serverText,
    etag: serverEtag,
    conflict: undefined,
  }));
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
  const draft = readDraft(path);
  if (draft) {
    writeDraft(to, draft.text, draft.base);
    removeDraft(path);
  }
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
