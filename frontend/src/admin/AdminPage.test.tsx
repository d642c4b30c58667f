import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import AdminPage from "./AdminPage";
import type { AdminTeam, AdminUser } from "./adminApi";

/** A small in-memory gateway behind a stubbed fetch: what the page sends and what it gets. */
function fakeGateway() {
  const users: AdminUser[] = [
    {
      username: "admin",
      role: "admin",
      disabled: false,
      singleSignOn: false,
      createdAtMs: 1,
      teams: [],
    },
    {
      username: "sso-ann",
      role: "member",
      disabled: false,
      singleSignOn: true,
      createdAtMs: 2,
      teams: [],
    },
  ];
  const teams: AdminTeam[] = [
    { id: "t1", name: "Core", createdAtMs: 1, members: ["admin"], workspaces: [] },
  ];
  const calls: { method: string; url: string; body: unknown }[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (method === "GET" && url === "/api/admin/users") return json(users);
    if (method === "GET" && url === "/api/admin/teams") return json(teams);
    if (method === "POST" && url === "/api/admin/users") {
      if (body.password.length < 8) {
        return json(
          { type: "/problems/bad-request", status: 400, detail: "A password is 8-256 characters." },
          400,
        );
      }
      users.push({ ...body, disabled: false, singleSignOn: false, createdAtMs: 3, teams: [] });
      return json(body, 201);
    }
    let m = url.match(/^\/api\/admin\/users\/([^/]+)$/);
    if (method === "PATCH" && m) {
      const user = users.find((u) => u.username === m![1])!;
      Object.assign(user, body);
      return json(user);
    }
    if (method === "PUT" && /\/password$/.test(url)) return json(null, 204);
    m = url.match(/^\/api\/admin\/teams\/([^/]+)\/members$/);
    if (method === "POST" && m) {
      teams.find((t) => t.id === m![1])!.members.push(body.username);
      return json(null, 204);
    }
    m = url.match(/^\/api\/admin\/teams\/([^/]+)\/members\/([^/]+)$/);
    if (method === "DELETE" && m) {
      const team = teams.find((t) => t.id === m![1])!;
      team.members = team.members.filter((u) => u !== m![2]);
      return json(null, 204);
    }
    m = url.match(/^\/api\/admin\/teams\/([^/]+)\/workspaces$/);
    if (method === "POST" && m) {
      const w = { id: "w1", name: body.name, teamId: m[1], createdAtMs: 5 };
      teams.find((t) => t.id === m![1])!.workspaces.push(w);
      return json(w, 201);
    }
    if (method === "POST" && url === "/api/admin/teams") {
      const t = { id: "t2", name: body.name, createdAtMs: 9, members: [], workspaces: [] };
      teams.push(t);
      return json(t, 201);
    }
    return json({ status: 404, detail: `unexpected ${method} ${url}` }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  return { users, teams, calls };
}

describe("AdminPage", () => {
  beforeEach(() => {
    setSession({ token: "t", username: "admin", role: "admin", expiresAt: Date.now() + 3_600_000 });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setSession(null);
  });

  it("creates a user with a role and shows a refusal's detail", async () => {
    const gw = fakeGateway();
    const user = userEvent.setup();
    render(<AdminPage />);
    await screen.findByRole("row", { name: /sso-ann/ });
    const form = screen.getByRole("form", { name: "Create a user" });
    await user.type(within(form).getByLabelText("User name"), "Bob");
    await user.type(within(form).getByLabelText("Password"), "secret-password");
    await user.selectOptions(within(form).getByLabelText("Role"), "lead");
    await user.click(within(form).getByRole("button", { name: /Create user/ }));
    expect(gw.calls).toContainEqual({
      method: "POST",
      url: "/api/admin/users",
      body: { username: "bob", password: "secret-password", role: "lead" },
    });
    expect(await screen.findByRole("row", { name: /bob/ })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Created user bob.");
  });

  it("marks single sign-on users and offers them no password reset", async () => {
    fakeGateway();
    render(<AdminPage />);
    const sso = await screen.findByRole("row", { name: /sso-ann/ });
    expect(within(sso).getByText("single sign-on")).toBeTruthy();
    expect(within(sso).queryByRole("button", { name: /Reset password/ })).toBeNull();
    const own = screen.getByRole("row", { name: /^admin\s*\(you\)/ });
    // An admin cannot disable or demote themself (the server refuses it too).
    expect(
      (within(own).getByRole("button", { name: "Disable admin" }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect((within(own).getByLabelText("Role of admin") as HTMLSelectElement).disabled).toBe(true);
  });

  it("changes a role, disables a user and resets a password inline", async () => {
    const gw = fakeGateway();
    gw.users.push({
      username: "carl",
      role: "member",
      disabled: false,
      singleSignOn: false,
      createdAtMs: 3,
      teams: [],
    });
    const user = userEvent.setup();
    render(<AdminPage />);
    const row = await screen.findByRole("row", { name: /carl/ });
    await user.selectOptions(within(row).getByLabelText("Role of carl"), "admin");
    expect(gw.calls).toContainEqual({
      method: "PATCH",
      url: "/api/admin/users/carl",
      body: { role: "admin" },
    });
    await user.click(within(row).getByRole("button", { name: "Disable carl" }));
    expect(gw.calls).toContainEqual({
      method: "PATCH",
      url: "/api/admin/users/carl",
      body: { disabled: true },
    });
    expect(await within(row).findByRole("button", { name: "Enable carl" })).toBeTruthy();
    expect(within(row).getByText("Disabled")).toBeTruthy();

    await user.click(within(row).getByRole("button", { name: "Reset password of carl" }));
    const field = within(row).getByLabelText("New password for carl");
    expect(document.activeElement).toBe(field);
    await user.type(field, "another-password{Enter}");
    expect(gw.calls).toContainEqual({
      method: "PUT",
      url: "/api/admin/users/carl/password",
      body: { password: "another-password" },
    });
    expect(within(row).queryByLabelText("New password for carl")).toBeNull();
  });

  it("adds and removes team members and creates a workspace for a team", async () => {
    const gw = fakeGateway();
    const user = userEvent.setup();
    render(<AdminPage />);
    await screen.findByRole("row", { name: /sso-ann/ });
    const teamsTab = screen.getByRole("tab", { name: /Teams/ });
    // Arrow keys move between the tabs.
    screen.getByRole("tab", { name: /Users/ }).focus();
    await user.keyboard("{ArrowRight}");
    expect(teamsTab.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(teamsTab);

    await user.selectOptions(screen.getByLabelText("User to add to Core"), "sso-ann");
    await user.click(screen.getByRole("button", { name: /Add member/ }));
    const members = await screen.findByRole("list", { name: "Members of Core" });
    expect(await within(members).findByText(/sso-ann/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Remove sso-ann from Core" }));
    expect(gw.calls).toContainEqual({
      method: "DELETE",
      url: "/api/admin/teams/t1/members/sso-ann",
      body: undefined,
    });

    await user.click(screen.getByRole("tab", { name: /Workspaces/ }));
    await user.type(screen.getByLabelText("New workspace name for Core"), "api{Enter}");
    const list = await screen.findByRole("list", { name: "Workspaces of Core" });
    expect(within(list).getByText(/api/)).toBeTruthy();
  });

  it("shows the gateway's refusal", async () => {
    fakeGateway();
    const user = userEvent.setup();
    render(<AdminPage />);
    await screen.findByRole("row", { name: /sso-ann/ });
    const form = screen.getByRole("form", { name: "Create a user" });
    await user.type(within(form).getByLabelText("User name"), "dan");
    // The browser's own minLength check is bypassed to reach the server's answer.
    within(form).getByLabelText("Password").removeAttribute("minLength");
    await user.type(within(form).getByLabelText("Password"), "short");
    await user.click(within(form).getByRole("button", { name: /Create user/ }));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "A password is 8-256 characters.",
    );
  });
});
