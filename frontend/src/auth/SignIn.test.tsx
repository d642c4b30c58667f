import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromFragment } from "./session";
import { showSignInError, SignIn } from "./SignIn";

async function until(check: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  }
}

describe("single sign-on fragment", () => {
  const later = Date.now() + 60_000;

  it("yields the session it carries", () => {
    const hash = `#sso=eyJ.abc.def&username=sso-alice&role=member&expiresAt=${later}`;
    expect(fromFragment(hash)).toEqual({
      session: { token: "eyJ.abc.def", username: "sso-alice", role: "member", expiresAt: later },
    });
  });

  it("yields the reason a sign-in was refused", () => {
    expect(fromFragment("#sso-error=A%20password%20account%20exists")).toEqual({
      error: "A password account exists",
    });
  });

  it("refuses an incomplete or expired session and ignores other fragments", () => {
    expect(fromFragment("#sso=tok&username=a&role=member&expiresAt=1")).toHaveProperty("error");
    expect(fromFragment("#sso=tok&role=member")).toHaveProperty("error");
    expect(fromFragment("#status")).toBeNull();
    expect(fromFragment("")).toBeNull();
  });
});

describe("SignIn", () => {
  afterEach(() => vi.unstubAllGlobals());

  function render(singleSignOn: boolean) {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ password: true, singleSignOn }))),
    );
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const host = document.createElement("div");
    const root = createRoot(host);
    return { host, root };
  }

  it("offers single sign-on when the gateway has it", async () => {
    const { host, root } = render(true);
    await act(async () => root.render(<SignIn />));
    await until(() => host.querySelector("a.sso") !== null);
    expect(host.querySelector("a.sso")?.getAttribute("href")).toBe("/api/auth/sso");
    act(() => root.unmount());
  });

  it("shows only the password form otherwise, with a refused sign-on's reason", async () => {
    showSignInError("A password account named admin exists");
    const { host, root } = render(false);
    await act(async () => root.render(<SignIn />));
    await until(() => vi.mocked(fetch).mock.calls.length > 0);
    expect(host.querySelector("a.sso")).toBeNull();
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("password account");
    act(() => root.unmount());
  });
});
