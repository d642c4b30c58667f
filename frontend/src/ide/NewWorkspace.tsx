import { useEffect, useState } from "react";
import { apiJson, type Workspace } from "../api/client";
import { Overlay } from "../ui/Overlay";

interface Team {
  id: string;
  name: string;
}

/**
 * Names a new workspace and picks its team (one of the caller's). An admin in no team gets one
 * made for them, as on first run.
 */
export function NewWorkspace({
  admin,
  username,
  onCreated,
  onClose,
}: {
  admin: boolean;
  username: string;
  onCreated: (w: Workspace) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("my-project");
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [teamId, setTeamId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    apiJson<{ teams: Team[] }>("/api/me").then(
      (me) => {
        setTeams(me.teams);
        setTeamId(me.teams[0]?.id ?? "");
      },
      (e) => setError(String(e.message ?? e)),
    );
  }, []);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let team = teamId;
      if (!team && admin) {
        const made = await apiJson<Team>("/api/admin/teams", {
          method: "POST",
          body: JSON.stringify({ name: `${username}'s team` }),
        });
        await apiJson(`/api/admin/teams/${made.id}/members`, {
          method: "POST",
          body: JSON.stringify({ username }),
        });
        team = made.id;
      }
      if (!team) throw new Error("You are in no team yet; ask an admin to add you to one.");
      const created = await apiJson<Workspace>("/api/workspaces", {
        method: "POST",
        body: JSON.stringify({ name: name.trim(), teamId: team }),
      });
      onCreated(created);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <Overlay label="New workspace" onClose={onClose}>
      <form className="overlay-form" onSubmit={(e) => void create(e)}>
        <h2>New workspace</h2>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        {teams && teams.length > 1 && (
          <label>
            Team
            <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {teams && teams.length === 0 && (
          <p className="muted">
            {admin
              ? "You are in no team yet: a team is made for you."
              : "You are in no team yet; ask an admin to add you to one."}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="overlay-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim() || !teams}>
            Create
          </button>
        </div>
      </form>
    </Overlay>
  );
}
