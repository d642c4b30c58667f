import { apiJson, type ChatMessage, type Conversation } from "../api/client";
import { getSession, onSessionEnd } from "../auth/session";
import { ideStore } from "../ide/ideStore";
import { createStore } from "../store";
import { ChatConnection, type ConnectionStatus } from "./ChatConnection";
import { parseMentions } from "./mentions";
import { MAX_CONTEXT_FILES, type ServerFrame } from "./protocol";
import { emptyState, reduce, track, unfinished, type StreamState } from "./streamReducer";

/** One entry of the message list: a user prompt or an assistant answer. */
export type Item =
  | { kind: "user"; key: string; text: string; turnId?: string }
  | {
      kind: "assistant";
      key: string;
      turnId?: string;
      clientMsgId?: string;
      text: string;
      status?: string;
    };

export interface ChatState {
  conversations: Conversation[];
  conversationId: string | null;
  items: Record<string, Item[]>;
  /** Cursor of the next older page per conversation; null when all is loaded. */
  older: Record<string, string | null>;
  stream: StreamState;
  connection: ConnectionStatus;
  error: string | null;
  /** Per conversation: its prompts may be answered from the answer cache (the user opted in). */
  reuse: Record<string, boolean>;
}

const initial: ChatState = {
  conversations: [],
  conversationId: null,
  items: {},
  older: {},
  stream: emptyState,
  connection: "closed",
  error: null,
  reuse: {},
};

export const chatStore = createStore<ChatState>(initial);

const set = chatStore.set;
let connection: ChatConnection | null = null;

/** Closes the signed-out user's socket and drops their conversations and answers. */
export function resetChat() {
  disconnect();
  set(() => initial);
}
onSessionEnd(resetChat);

function onFrame(frame: ServerFrame) {
  const known =
    "turnId" in frame && frame.turnId ? chatStore.get().stream.turns[frame.turnId] : undefined;
  set((s) => {
    const stream = reduce(s.stream, frame);
    let items = s.items;
    if (frame.type === "accepted") {
      const list = (items[frame.conversationId] ?? []).map((item) =>
        item.kind === "assistant" && item.clientMsgId === frame.clientMsgId
          ? { ...item, turnId: frame.turnId }
          : item,
      );
      items = { ...items, [frame.conversationId]: list };
    }
    return {
      ...s,
      stream,
      items,
      error: frame.type === "error" && !frame.turnId ? frame.message : s.error,
    };
  });
  const turn =
    "turnId" in frame && frame.turnId ? chatStore.get().stream.turns[frame.turnId] : undefined;
  if (turn?.gap) connection?.resume(turn.turnId, turn.lastSeq);
  // A turn this tab did not start (another tab, a teammate): show it with its prompt from history.
  if (!known && turn && frame.type !== "accepted") void adoptTurn(turn.turnId);
  // The first accepted prompt made the conversation and titled it (the server did): list it.
  if (frame.type === "accepted" && !listed(frame.conversationId))
    void loadConversations().catch(() => {});
}

function listed(conversationId: string): boolean {
  return chatStore.get().conversations.some((c) => c.id === conversationId && c.title);
}

async function adoptTurn(turnId: string) {
  const id = chatStore.get().conversationId;
  if (!id) return;
  const present = (chatStore.get().items[id] ?? []).some(
    (i) => i.kind === "assistant" && i.turnId === turnId,
  );
  if (present) return;
  await loadLatest(id);
  set((s) => {
    const list = s.items[id] ?? [];
    if (list.some((i) => i.kind === "assistant" && i.turnId === turnId)) return s;
    return {
      ...s,
      items: { ...s.items, [id]: [...list, { kind: "assistant", key: turnId, turnId, text: "" }] },
    };
  });
}

export function connect() {
  if (connection) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  connection = new ChatConnection({
    url: `${scheme}://${location.host}/ws/chat`,
    token: () => getSession()?.token ?? null,
    onFrame,
    onStatus: (status) => set((s) => ({ ...s, connection: status })),
    unfinished: () => unfinished(chatStore.get().stream),
  });
  connection.connect();
  const id = chatStore.get().conversationId;
  if (id) connection.join(id);
}

// A handle for end-to-end tests and for trying the reconnect logic from the browser console.
(globalThis as { aicoderDebug?: object }).aicoderDebug = {
  dropConnection: () => connection?.drop(),
  conversationId: () => chatStore.get().conversationId,
};

export function disconnect() {
  connection?.close();
  connection = null;
}

export async function loadConversations() {
  const conversations = await apiJson<Conversation[]>("/api/conversations?limit=100");
  set((s) => ({ ...s, conversations }));
}

function toItems(messages: ChatMessage[]): Item[] {
  return messages.map((m) =>
    m.role === "user"
      ? { kind: "user", key: m.id, text: m.text, turnId: m.turnId }
      : { kind: "assistant", key: m.id, turnId: m.turnId, text: m.text, status: m.status },
  );
}

/**
 * History first, then what this tab sent that history does not hold yet. A stored prompt whose
 * answer is not stored yet is a running turn: it gets a live answer item and is returned to follow.
 */
export function merge(history: Item[], live: Item[]): { items: Item[]; running: string[] } {
  const prompts = new Set(history.filter((i) => i.kind === "user").map((i) => i.key));
  const answered = new Set(
    history.flatMap((i) => (i.kind === "assistant" && i.turnId ? [i.turnId] : [])),
  );
  const items: Item[] = [];
  const running: string[] = [];
  for (const item of history) {
    items.push(item);
    if (item.kind === "user" && item.turnId && !answered.has(item.turnId)) {
      items.push({
        kind: "assistant",
        key: `a:${item.key}`,
        turnId: item.turnId,
        clientMsgId: item.key,
        text: "",
      });
      running.push(item.turnId);
    }
  }
  for (const item of live) {
    const stored =
      item.kind === "user"
        ? prompts.has(item.key)
        : !!item.clientMsgId && prompts.has(item.clientMsgId);
    const known = item.kind === "assistant" && item.turnId && answered.has(item.turnId);
    if (!stored && !known) items.push(item);
  }
  return { items, running };
}

/** Loads the newest page of a conversation (replacing what was shown from history). */
async function loadLatest(id: string) {
  const page = await apiJson<{ messages: ChatMessage[]; nextCursor: string | null }>(
    `/api/conversations/${id}/messages?limit=50`,
  );
  const history = toItems([...page.messages].reverse());
  const { items, running } = merge(history, chatStore.get().items[id] ?? []);
  set((s) => ({
    ...s,
    items: { ...s.items, [id]: items },
    older: { ...s.older, [id]: page.nextCursor },
  }));
  for (const turnId of running) {
    if (!chatStore.get().stream.turns[turnId]) follow(turnId, id);
  }
}

/** Loads the next older page (scrolling up). */
export async function loadOlder() {
  const id = chatStore.get().conversationId;
  const cursor = id ? chatStore.get().older[id] : null;
  if (!id || !cursor) return;
  const page = await apiJson<{ messages: ChatMessage[]; nextCursor: string | null }>(
    `/api/conversations/${id}/messages?limit=50&before=${cursor}`,
  );
  const older = toItems([...page.messages].reverse());
  set((s) => ({
    ...s,
    items: { ...s.items, [id]: [...older, ...(s.items[id] ?? [])] },
    older: { ...s.older, [id]: page.nextCursor },
  }));
}

// The opt-ins are remembered per user in localStorage, like the layout: a preference that outlives
// a reload; the conversation ids that opted in are the only thing kept.
const REUSE = "aicoder.reuseAnswers.";

function storedReuse(): string[] {
  const user = getSession()?.username;
  if (!user) return [];
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(REUSE + user) ?? "[]");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return []; // not a list this version wrote
  }
}

function storeReuse(id: string, on: boolean) {
  const user = getSession()?.username;
  if (!user) return;
  const ids = storedReuse().filter((other) => other !== id);
  if (on) ids.push(id);
  if (ids.length) localStorage.setItem(REUSE + user, JSON.stringify(ids));
  else localStorage.removeItem(REUSE + user);
}

/**
 * Opts a conversation in to (or out of) the answer cache: its identical questions may then be
 * answered from the cache, which the server does only when its model runs at temperature 0.
 */
export function setReuseAnswers(id: string, on: boolean) {
  storeReuse(id, on);
  set((s) => ({ ...s, reuse: { ...s.reuse, [id]: on } }));
}

export async function openConversation(id: string) {
  const reuse = storedReuse().includes(id);
  set((s) => ({ ...s, conversationId: id, reuse: { ...s.reuse, [id]: reuse } }));
  connection?.join(id);
  try {
    await loadLatest(id);
  } catch {
    // a new conversation has no history yet
  }
}

export function newConversation() {
  const id = crypto.randomUUID();
  set((s) => ({
    ...s,
    conversationId: id,
    items: { ...s.items, [id]: [] },
    older: { ...s.older, [id]: null },
  }));
  connection?.join(id);
}

/** Renames a conversation; the list shows the new title at once and the server's after. */
export async function renameConversation(id: string, title: string) {
  const before = chatStore.get().conversations;
  set((s) => ({
    ...s,
    conversations: s.conversations.map((c) => (c.id === id ? { ...c, title } : c)),
  }));
  try {
    await apiJson(`/api/conversations/${id}`, { method: "PATCH", body: JSON.stringify({ title }) });
  } catch (e) {
    set((s) => ({ ...s, conversations: before }));
    throw e;
  }
  await loadConversations();
}

/** Shares a conversation with a team (its members can follow it), or unshares it (null). */
export async function shareConversation(id: string, teamId: string | null) {
  await apiJson(`/api/conversations/${id}`, {
    method: "PATCH",
    body: JSON.stringify({ teamId: teamId ?? "" }),
  });
  await loadConversations();
}

export async function deleteConversation(id: string) {
  await apiJson(`/api/conversations/${id}`, { method: "DELETE" });
  storeReuse(id, false);
  set((s) => ({ ...s, conversationId: s.conversationId === id ? null : s.conversationId }));
  await loadConversations();
}

/**
 * Sends a prompt. @mentioned files go as references (`context`), each once and at most the
 * protocol's number: the assistant reads them from the workspace as this user, within its budget.
 */
export async function send(text: string) {
  let id = chatStore.get().conversationId;
  if (!id) {
    newConversation();
    id = chatStore.get().conversationId!;
  }
  const workspaceId = ideStore.get().workspaceId;
  const context = workspaceId
    ? parseMentions(text)
        .slice(0, MAX_CONTEXT_FILES)
        .map((m) => ({ path: m.path, workspaceId }))
    : [];
  const clientMsgId = crypto.randomUUID();
  set((s) => ({
    ...s,
    items: {
      ...s.items,
      [id!]: [
        ...(s.items[id!] ?? []),
        { kind: "user", key: clientMsgId, text },
        { kind: "assistant", key: `a:${clientMsgId}`, clientMsgId, text: "" },
      ],
    },
  }));
  const cache = chatStore.get().reuse[id] === true;
  connection?.prompt({
    type: "prompt",
    conversationId: id,
    clientMsgId,
    text,
    context,
    ...(cache ? { cache } : {}),
  });
}

export function cancel(turnId: string) {
  connection?.cancel(turnId);
}

/** Follows a turn known from history that may still be running. */
export function follow(turnId: string, conversationId: string) {
  set((s) => ({ ...s, stream: track(s.stream, turnId, conversationId) }));
  connection?.resume(turnId, 0);
}
