// Single sign-on with a one-time state: the gateway puts the session into the URL fragment
// (#sso=...) when it sends the browser back, and a fragment is accepted only as the answer to the
// redirect this tab started. Otherwise any link carrying someone's token (#sso=<token>) would
// silently replace the user's session with the link author's.
import { createStore } from "../store";
import { fromFragment, setSession } from "./session";

/** Where the state of the sign-on this tab started waits for the answer. */
export const SSO_STATE_KEY = "aicoder.sso-state";
/** The cookie the gateway reads on /api/auth/sso and echoes as `&state=` in the fragment. */
const SSO_STATE_COOKIE = "aicoder_sso_state";

/** A short message for the user, shown above the app until dismissed. */
export const noticeStore = createStore<string | null>(null);

/** Call right before the browser goes to /api/auth/sso: remembers a fresh random state. */
export function startSingleSignOn(): void {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const state = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  sessionStorage.setItem(SSO_STATE_KEY, state);
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${SSO_STATE_COOKIE}=${state}; Path=/api/auth/sso; SameSite=Lax; Max-Age=600${secure}`;
}

/**
 * Reads a single sign-on answer from the URL fragment. It counts only if its state is the one this
 * tab stored when it started the sign-on; the stored state is used up either way (one answer per
 * attempt, so a replayed or forged fragment is refused).
 */
export function readSsoReturn(hash: string): ReturnType<typeof fromFragment> | { refused: string } {
  if (!hash.startsWith("#sso=") && !hash.startsWith("#sso-error=")) return null;
  const expected = sessionStorage.getItem(SSO_STATE_KEY);
  sessionStorage.removeItem(SSO_STATE_KEY);
  const state = new URLSearchParams(hash.slice(1)).get("state");
  if (!expected || state !== expected) {
    return { refused: "A sign-in link this browser did not start was ignored." };
  }
  return fromFragment(hash);
}

/**
 * Applies a single sign-on answer at start-up: a session, a refusal's reason (to `showError`), or,
 * for a fragment this tab did not ask for, a notice (the current session stays). Returns whether
 * the fragment was one, so the caller removes it from the address bar and history.
 */
export function handleSsoReturn(hash: string, showError: (reason: string) => void): boolean {
  const answer = readSsoReturn(hash);
  if (!answer) return false;
  if ("session" in answer) setSession(answer.session);
  else if ("error" in answer) showError(answer.error);
  else noticeStore.set(() => answer.refused);
  return true;
}
