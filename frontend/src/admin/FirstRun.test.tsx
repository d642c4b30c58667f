import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../auth/session";
import { FirstRun } from "./FirstRun";

describe("FirstRun", () => {
  beforeEach(() => {
    setSession({ token: "t", username: "root", role: "admin", expiresAt: Date.now() + 3_600_000 });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    setSession(null);
  });

  function stub(teams: { id: string; name: string }[]) {
    const calls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit = {}) => {
        const method = init.method ?? "GET";
        calls.push(`${method} ${url} ${init.body ?? ""}`.trim());
        const body =
          url === "/api/me"
            ? { username: "root", role: "admin", teams }
            : url === "/api/admin/teams"
              ? { id: "t9", name: JSON.parse(String(init.body)).name, createdAtMs: 1 }
              : url === "/api/workspaces"
                ? { id: "w9", name: JSON.parse(String(init.body)).name, teamId: "t9" }
                : null;
        return new Response(body ? JSON.stringify(body) : null, { status: body ? 200 : 204 });
      }),
    );
    return calls;
  }

  it("walks an admin from a team to a workspace to bringing code in", async () => {
    const calls = stub([]);
    const onDone = vi.fn();
    const user = userEvent.setup();
    render(<FirstRun onDone={onDone} />);
    const team = screen.getByLabelText("Team name");
    await user.clear(team);
    await user.type(team, "Platform{Enter}");
    const workspace = await screen.findByLabelText("Workspace name");
    // The admin joins the team, or they could not open its workspaces.
    expect(calls).toContain('POST /api/admin/teams/t9/members {"username":"root"}');
    await user.clear(workspace);
    await user.type(workspace, "billing{Enter}");
    expect(calls).toContain('POST /api/workspaces {"name":"billing","teamId":"t9"}');
    expect(screen.getByText(/onto the explorer/)).toBeTruthy();
    await user.click(await screen.findByRole("button", { name: /Open billing/ }));
    expect(onDone).toHaveBeenCalledWith({ id: "w9", name: "billing", teamId: "t9" });
  });

  it("skips making a team when the admin already has one", async () => {
    stub([{ id: "t1", name: "Core" }]);
    render(<FirstRun onDone={() => {}} />);
    expect(await screen.findByLabelText("Workspace name")).toBeTruthy();
    expect(screen.getByText("Core")).toBeTruthy();
    expect(screen.queryByLabelText("Team name")).toBeNull();
  });
});
