// The signed-in session. The token lives in sessionStorage (one tab's lifetime, never sent as a
// cookie) so a reload keeps the user signed in; the CSP keeps foreign script out of the page.

export interface Session {
  token: string;
  username: string;
  role: string;
  expiresAt: number;
}

const KEY = "aicoder.session";
type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = load();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const endHooks = new Set<() => void>();
let requests = new AbortController();

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const session = raw ? (JSON.parse(raw) as Session) : null;
    return session && session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Registers what to drop when a session ends (sign-out, expiry, another sign-in on the same tab):
 * everything the app holds belongs to the session that loaded it.
 */
export function onSessionEnd(hook: () => void): () => void {
  endHooks.add(hook);
  return () => endHooks.delete(hook);
}

/** Aborted when the session ends, so an answer to its requests never lands in the next one. */
export function sessionSignal(): AbortSignal {
  return requests.signal;
}

export function setSession(session: Session | null): void {
  const ended = current !== null && current.token !== session?.token;
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  clearTimeout(expiryTimer);
  if (session) {
    // Back to sign-in when the token expires; unsaved edits are kept as drafts (see drafts.ts).
    expiryTimer = setTimeout(() => setSession(null), Math.max(0, session.expiresAt - Date.now()));
  }
  if (ended) {
    // Dropped before anyone renders, so the next user never sees a frame of the last one's state.
    requests.abort();
    requests = new AbortController();
    endHooks.forEach((hook) => hook());
  }
  listeners.forEach((l) => l());
}

/**
 * Single sign-on comes back to the app with the session (or the reason it was refused) in the URL
 * fragment, which browsers never send to a server. Returns what the fragment holds; the caller
 * removes it from the address bar and history at once.
 */
export function fromFragment(hash: string): { session: Session } | { error: string } | null {
  if (!hash.startsWith("#sso=") && !hash.startsWith("#sso-error=")) return null;
  const fields = new URLSearchParams(hash.slice(1));
  const error = fields.get("sso-error");
  if (error !== null) return { error };
  const token = fields.get("sso");
  const username = fields.get("username");
  const role = fields.get("role");
  const expiresAt = Number(fields.get("expiresAt"));
  if (!token || !username || !role || !Number.isFinite(expiresAt) || expiresAt <= Date.now()) {
    return { error: "Single sign-on returned an unusable session; sign in again." };
  }
  return { session: { token, username, role, expiresAt } };
}
