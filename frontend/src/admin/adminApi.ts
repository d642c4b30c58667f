import { apiJson, type Workspace } from "../api/client";

export interface TeamRef {
  id: string;
  name: string;
  createdAtMs: number;
}

/** A user as /api/admin/users lists it. */
export interface AdminUser {
  username: string;
  role: Role;
  disabled: boolean;
  /** Signs in through the identity provider: no password here to reset. */
  singleSignOn: boolean;
  createdAtMs: number;
  teams: TeamRef[];
}

export interface AdminTeam extends TeamRef {
  members: string[];
  workspaces: (Workspace & { createdAtMs: number })[];
}

export type Role = "admin" | "lead" | "member";
export const ROLES: Role[] = ["member", "lead", "admin"];

const user = (name: string) => `/api/admin/users/${encodeURIComponent(name)}`;
const team = (id: string) => `/api/admin/teams/${encodeURIComponent(id)}`;
const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

export const admin = {
  users: () => apiJson<AdminUser[]>("/api/admin/users"),
  teams: () => apiJson<AdminTeam[]>("/api/admin/teams"),
  createUser: (username: string, password: string, role: Role) =>
    apiJson("/api/admin/users", post({ username, password, role })),
  change: (name: string, change: { role?: Role; disabled?: boolean }) =>
    apiJson<AdminUser>(user(name), { method: "PATCH", body: JSON.stringify(change) }),
  resetPassword: (name: string, password: string) =>
    apiJson(`${user(name)}/password`, { method: "PUT", body: JSON.stringify({ password }) }),
  createTeam: (name: string) => apiJson<TeamRef>("/api/admin/teams", post({ name })),
  addMember: (teamId: string, username: string) =>
    apiJson(`${team(teamId)}/members`, post({ username })),
  removeMember: (teamId: string, username: string) =>
    apiJson(`${team(teamId)}/members/${encodeURIComponent(username)}`, { method: "DELETE" }),
  createWorkspace: (teamId: string, name: string) =>
    apiJson<Workspace>(`${team(teamId)}/workspaces`, post({ name })),
};

/** The message of a failed call (the problem's detail when the gateway sent one). */
export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
