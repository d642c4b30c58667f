import { useEffect, useId, useRef, useState } from "react";
import { getSession } from "../auth/session";
import { Icon } from "../ui/Icon";
import { admin, message, ROLES, type AdminTeam, type AdminUser, type Role } from "./adminApi";
import "./admin.css";

type Tab = "users" | "teams" | "workspaces";
const TABS: { id: Tab; label: string; icon: string }[] = [
  { id: "users", label: "Users", icon: "person" },
  { id: "teams", label: "Teams", icon: "organization" },
  { id: "workspaces", label: "Workspaces", icon: "folder-library" },
];

/** What a section reports after a change: a line for the live region, or an error. */
interface Notify {
  done: (text: string) => void;
  failed: (e: unknown) => void;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const date = (ms: number) => new Date(ms).toLocaleDateString();

/**
 * Administration (admins): users, teams and memberships, workspaces per team. Every change goes
 * through the gateway, which refuses what a non-admin asks for; the page reloads both lists after
 * each change so it never shows a state the server does not have.
 */
export default function AdminPage() {
  const [tab, setTab] = useState<Tab>("users");
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [teams, setTeams] = useState<AdminTeam[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const baseId = useId();

  // Bumped after each change: both lists are loaded again.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    Promise.all([admin.users(), admin.teams()]).then(
      ([u, t]) => {
        setUsers(u);
        setTeams(t);
      },
      (e) => setError(message(e)),
    );
  }, [version]);

  const notify: Notify = {
    done: (text) => {
      setError(null);
      setStatus(text);
      setVersion((v) => v + 1);
    },
    failed: (e) => setError(message(e)),
  };

  function onTabKey(e: React.KeyboardEvent, index: number) {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = (index + step + TABS.length) % TABS.length;
    setTab(TABS[next].id);
    tabs.current[next]?.focus();
  }

  return (
    <div className="admin-page">
      <header className="admin-header">
        <a href="#" className="admin-back">
          <Icon name="arrow-left" /> Back to the IDE
        </a>
        <h1>Administration</h1>
      </header>
      <div role="tablist" aria-label="Administration" className="admin-tabs">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${t.id}`}
            aria-controls={`${baseId}-panel`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            <Icon name={t.icon} /> {t.label}
          </button>
        ))}
      </div>
      <div className="admin-messages">
        {error && (
          <p role="alert" className="admin-error">
            <Icon name="error" /> {error}
          </p>
        )}
        <p role="status" className="admin-status">
          {status}
        </p>
      </div>
      <section
        role="tabpanel"
        id={`${baseId}-panel`}
        aria-labelledby={`${baseId}-tab-${tab}`}
        className="admin-panel"
      >
        {!users || !teams ? (
          <p className="admin-muted">{error ? "" : "Loading…"}</p>
        ) : tab === "users" ? (
          <Users users={users} notify={notify} />
        ) : tab === "teams" ? (
          <Teams teams={teams} users={users} notify={notify} />
        ) : (
          <Workspaces teams={teams} notify={notify} />
        )}
      </section>
    </div>
  );
}

function Users({ users, notify }: { users: AdminUser[]; notify: Notify }) {
  const me = getSession()?.username;
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [resetting, setResetting] = useState<string | null>(null);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    try {
      await admin.createUser(username.trim().toLowerCase(), password, role);
      setUsername("");
      setPassword("");
      notify.done(`Created user ${username.trim().toLowerCase()}.`);
    } catch (err) {
      notify.failed(err);
    }
  }

  async function change(user: AdminUser, change: { role?: Role; disabled?: boolean }) {
    try {
      await admin.change(user.username, change);
      notify.done(
        change.role
          ? `${user.username} is now ${change.role}; their open sessions were signed out.`
          : `${user.username} is ${change.disabled ? "disabled" : "enabled"}.`,
      );
    } catch (err) {
      notify.failed(err);
    }
  }

  return (
    <>
      <form className="admin-form" onSubmit={(e) => void create(e)} aria-label="Create a user">
        <h2>Create a user</h2>
        <label>
          User name
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            maxLength={64}
            autoComplete="off"
          />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={8}
            maxLength={256}
            autoComplete="new-password"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          <Icon name="add" /> Create user
        </button>
      </form>
      <table className="admin-table">
        <caption>Users ({users.length})</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Sign-in</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Teams</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const self = u.username === me;
            return (
              <tr key={u.username} className={u.disabled ? "is-disabled" : undefined}>
                <th scope="row">
                  {u.username}
                  {self && <span className="admin-muted"> (you)</span>}
                </th>
                <td>
                  {u.singleSignOn ? (
                    <span className="admin-badge sso">
                      <Icon name="shield" /> single sign-on
                    </span>
                  ) : (
                    <span className="admin-badge">
                      <Icon name="key" /> password
                    </span>
                  )}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={self}
                    title={self ? "Another admin can change your role." : undefined}
                    onChange={(e) => void change(u, { role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <span className={`admin-state ${u.disabled ? "off" : "on"}`}>
                    <Icon name={u.disabled ? "circle-slash" : "pass"} />
                    {u.disabled ? "Disabled" : "Active"}
                  </span>
                </td>
                <td>
                  {u.teams.map((t) => t.name).join(", ") || (
                    <span className="admin-muted">none</span>
                  )}
                </td>
                <td>{date(u.createdAtMs)}</td>
                <td>
                  <div className="admin-actions">
                    <button
                      type="button"
                      className={u.disabled ? undefined : "danger"}
                      disabled={self}
                      aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
                      onClick={() => void change(u, { disabled: !u.disabled })}
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                    {u.singleSignOn ? (
                      <span className="admin-muted">Password kept by the identity provider</span>
                    ) : resetting === u.username ? (
                      <ResetPassword user={u} onClose={() => setResetting(null)} notify={notify} />
                    ) : (
                      <button
                        type="button"
                        aria-label={`Reset password of ${u.username}`}
                        onClick={() => setResetting(u.username)}
                      >
                        Reset password
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function ResetPassword({
  user,
  onClose,
  notify,
}: {
  user: AdminUser;
  onClose: () => void;
  notify: Notify;
}) {
  const [password, setPassword] = useState("");
  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      await admin.resetPassword(user.username, password);
      onClose();
      notify.done(`New password set for ${user.username}; their open sessions were signed out.`);
    } catch (err) {
      notify.failed(err);
    }
  }
  return (
    <form
      className="admin-inline"
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => e.key === "Escape" && onClose()}
    >
      <input
        type="password"
        aria-label={`New password for ${user.username}`}
        placeholder="New password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        minLength={8}
        maxLength={256}
        autoComplete="new-password"
        autoFocus
      />
      <button type="submit" className="primary">
        Set
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}

function Teams({
  teams,
  users,
  notify,
}: {
  teams: AdminTeam[];
  users: AdminUser[];
  notify: Notify;
}) {
  const [name, setName] = useState("");
  async function create(e: React.FormEvent) {
    e.preventDefault();
    try {
      const team = await admin.createTeam(name.trim());
      setName("");
      notify.done(`Created team ${team.name}.`);
    } catch (err) {
      notify.failed(err);
    }
  }
  return (
    <>
      <form className="admin-form" onSubmit={(e) => void create(e)} aria-label="Create a team">
        <h2>Create a team</h2>
        <label>
          Team name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <button type="submit" className="primary">
          <Icon name="add" /> Create team
        </button>
      </form>
      {teams.length === 0 && <p className="admin-muted">No teams yet.</p>}
      <ul className="admin-cards">
        {teams.map((t) => (
          <TeamCard key={t.id} team={t} users={users} notify={notify} />
        ))}
      </ul>
    </>
  );
}

function TeamCard({
  team,
  users,
  notify,
}: {
  team: AdminTeam;
  users: AdminUser[];
  notify: Notify;
}) {
  const candidates = users.filter((u) => !team.members.includes(u.username));
  const [pick, setPick] = useState("");
  const headingId = useId();
  const chosen = candidates.some((u) => u.username === pick)
    ? pick
    : (candidates[0]?.username ?? "");

  async function add(e: React.FormEvent) {
    e.preventDefault();
    try {
      await admin.addMember(team.id, chosen);
      notify.done(`Added ${chosen} to ${team.name}.`);
    } catch (err) {
      notify.failed(err);
    }
  }
  async function remove(username: string) {
    try {
      await admin.removeMember(team.id, username);
      notify.done(`Removed ${username} from ${team.name}.`);
    } catch (err) {
      notify.failed(err);
    }
  }
  return (
    <li className="admin-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <Icon name="organization" /> {team.name}
        <span className="admin-muted">
          {" "}
          · {count(team.members.length, "member")} · {count(team.workspaces.length, "workspace")}
        </span>
      </h3>
      {team.members.length === 0 ? (
        <p className="admin-muted">No members yet.</p>
      ) : (
        <ul className="admin-members" aria-label={`Members of ${team.name}`}>
          {team.members.map((m) => (
            <li key={m}>
              <Icon name="person" /> {m}
              <button
                type="button"
                className="icon-btn"
                aria-label={`Remove ${m} from ${team.name}`}
                title={`Remove ${m}`}
                onClick={() => void remove(m)}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {candidates.length > 0 && (
        <form className="admin-inline" onSubmit={(e) => void add(e)}>
          <select
            aria-label={`User to add to ${team.name}`}
            value={chosen}
            onChange={(e) => setPick(e.target.value)}
          >
            {candidates.map((u) => (
              <option key={u.username}>{u.username}</option>
            ))}
          </select>
          <button type="submit">
            <Icon name="person-add" /> Add member
          </button>
        </form>
      )}
    </li>
  );
}

function Workspaces({ teams, notify }: { teams: AdminTeam[]; notify: Notify }) {
  if (teams.length === 0) {
    return <p className="admin-muted">Create a team first: workspaces belong to a team.</p>;
  }
  return (
    <ul className="admin-cards">
      {teams.map((t) => (
        <TeamWorkspaces key={t.id} team={t} notify={notify} />
      ))}
    </ul>
  );
}

function TeamWorkspaces({ team, notify }: { team: AdminTeam; notify: Notify }) {
  const [name, setName] = useState("");
  const headingId = useId();
  async function create(e: React.FormEvent) {
    e.preventDefault();
    try {
      const w = await admin.createWorkspace(team.id, name.trim());
      setName("");
      notify.done(`Created workspace ${w.name} for ${team.name}.`);
    } catch (err) {
      notify.failed(err);
    }
  }
  return (
    <li className="admin-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <Icon name="organization" /> {team.name}
      </h3>
      {team.workspaces.length === 0 ? (
        <p className="admin-muted">No workspaces yet.</p>
      ) : (
        <ul className="admin-members" aria-label={`Workspaces of ${team.name}`}>
          {team.workspaces.map((w) => (
            <li key={w.id}>
              <Icon name="folder" /> {w.name}
              <span className="admin-muted">
                {" "}
                · {w.id} · created {date(w.createdAtMs)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="admin-inline" onSubmit={(e) => void create(e)}>
        <input
          aria-label={`New workspace name for ${team.name}`}
          placeholder="Workspace name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
        />
        <button type="submit">
          <Icon name="add" /> Create workspace
        </button>
      </form>
    </li>
  );
}
