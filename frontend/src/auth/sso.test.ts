import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getSession, setSession, type Session } from "./session";
import { handleSsoReturn, noticeStore, SSO_STATE_KEY, startSingleSignOn } from "./sso";

const later = Date.now() + 3_600_000;
const alice: Session = {
  token: "alice-token",
  username: "alice",
  role: "member",
  expiresAt: later,
};
const fragment = (fields: Record<string, string>) => `#${new URLSearchParams(fields)}`;
const forged = { sso: "mallory-token", username: "mallory", role: "admin", expiresAt: `${later}` };

describe("single sign-on answers", () => {
  const errors: string[] = [];
  const handle = (hash: string) => handleSsoReturn(hash, (e) => errors.push(e));

  beforeEach(() => {
    sessionStorage.clear();
    errors.length = 0;
    noticeStore.set(() => null);
    setSession(alice);
  });
  afterEach(() => {
    setSession(null);
    vi.restoreAllMocks();
  });

  it("start with a fresh random state, kept in this tab and in a cookie for the gateway", () => {
    const cookies: string[] = [];
    vi.spyOn(document, "cookie", "set").mockImplementation((c) => void cookies.push(c));
    startSingleSignOn();
    const first = sessionStorage.getItem(SSO_STATE_KEY)!;
    startSingleSignOn();
    const second = sessionStorage.getItem(SSO_STATE_KEY)!;
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(cookies[1]).toBe(
      `aicoder_sso_state=${second}; Path=/api/auth/sso; SameSite=Lax; Max-Age=600`,
    );
  });

  it("without a state, or with another one, are refused and the session stays", () => {
    expect(handle(fragment(forged))).toBe(true); // still removed from the address bar
    expect(getSession()).toEqual(alice);
    expect(noticeStore.get()).toMatch(/did not start/);

    startSingleSignOn();
    expect(handle(fragment({ ...forged, state: "guessed" }))).toBe(true);
    expect(getSession()).toEqual(alice);
    expect(handle(fragment({ "sso-error": "Call 555-0100 to unlock", state: "guessed" }))).toBe(
      true,
    );
    expect(errors).toEqual([]);
  });

  it("with this tab's state are accepted once; a replay is refused", () => {
    startSingleSignOn();
    const hash = fragment({
      ...forged,
      username: "sso-bob",
      state: sessionStorage.getItem(SSO_STATE_KEY)!,
    });
    expect(handle(hash)).toBe(true);
    expect(getSession()).toMatchObject({ token: "mallory-token", username: "sso-bob" });
    expect(noticeStore.get()).toBeNull();
    expect(sessionStorage.getItem(SSO_STATE_KEY)).toBeNull();

    setSession(alice);
    expect(handle(hash)).toBe(true);
    expect(getSession()).toEqual(alice);
    expect(noticeStore.get()).toMatch(/did not start/);
  });

  it("show a refusal's reason only when it answers this tab's sign-on", () => {
    startSingleSignOn();
    const state = sessionStorage.getItem(SSO_STATE_KEY)!;
    expect(handle(fragment({ "sso-error": "No such account", state }))).toBe(true);
    expect(errors).toEqual(["No such account"]);
  });

  it("leave other fragments alone", () => {
    startSingleSignOn();
    expect(handle("#status")).toBe(false);
    expect(sessionStorage.getItem(SSO_STATE_KEY)).not.toBeNull();
  });
});
