import { useEffect, useState } from "react";
import { apiJson, type Workspace } from "../api/client";
import { getSession } from "../auth/session";
import { Icon } from "../ui/Icon";
import { admin, message, type TeamRef } from "./adminApi";
import "./admin.css";

type Step = 1 | 2 | 3;

/**
 * What an admin without a workspace sees: make a team (with themself in it, so they can open its
 * workspaces), make a workspace for it, then bring code in. A team the admin already belongs to
 * skips the first step. `onDone` gets the new workspace to open.
 */
export function FirstRun({ onDone }: { onDone: (workspace: Workspace) => void }) {
  const username = getSession()?.username ?? "";
  const [step, setStep] = useState<Step>(1);
  const [team, setTeam] = useState<TeamRef | null>(null);
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [teamName, setTeamName] = useState("My team");
  const [workspaceName, setWorkspaceName] = useState("my-project");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    apiJson<{ teams: TeamRef[] }>("/api/me").then(
      (me) => {
        if (me.teams.length > 0) {
          setTeam(me.teams[0]);
          setStep((s) => (s === 1 ? 2 : s));
        }
      },
      (e) => setError(message(e)),
    );
  }, []);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  }

  const makeTeam = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const made = await admin.createTeam(teamName.trim());
      await admin.addMember(made.id, username);
      setTeam(made);
      setStep(2);
    });
  };

  const makeWorkspace = (e: React.FormEvent) => {
    e.preventDefault();
    if (!team) return;
    void run(async () => {
      const made = await apiJson<Workspace>("/api/workspaces", {
        method: "POST",
        body: JSON.stringify({ name: workspaceName.trim(), teamId: team.id }),
      });
      setWorkspace(made);
      setStep(3);
    });
  };

  const state = (n: Step) => (n < step ? "done" : n === step ? "current" : "later");

  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">Welcome to AI-Coder</h1>
      <p className="admin-muted">Three steps and your team can work on its code here.</p>
      {error && (
        <p role="alert" className="admin-error">
          <Icon name="error" /> {error}
        </p>
      )}
      <ol>
        <li className={`first-run-step ${state(1)}`} aria-current={step === 1 ? "step" : undefined}>
          <StepNumber n={1} done={step > 1} />
          <div>
            <h2>Make a team</h2>
            {step === 1 ? (
              <form className="admin-inline" onSubmit={makeTeam}>
                <input
                  aria-label="Team name"
                  value={teamName}
                  onChange={(e) => setTeamName(e.target.value)}
                  required
                  maxLength={100}
                  autoFocus
                />
                <button type="submit" className="primary" disabled={busy}>
                  Create team
                </button>
              </form>
            ) : (
              <p>
                Team <strong>{team?.name}</strong>, with you in it. Add people later under{" "}
                <a href="#admin">Administration</a>.
              </p>
            )}
          </div>
        </li>
        <li className={`first-run-step ${state(2)}`} aria-current={step === 2 ? "step" : undefined}>
          <StepNumber n={2} done={step > 2} />
          <div>
            <h2>Make a workspace</h2>
            {step === 2 ? (
              <form className="admin-inline" onSubmit={makeWorkspace}>
                <input
                  aria-label="Workspace name"
                  value={workspaceName}
                  onChange={(e) => setWorkspaceName(e.target.value)}
                  required
                  maxLength={100}
                  autoFocus
                />
                <button type="submit" className="primary" disabled={busy}>
                  Create workspace
                </button>
              </form>
            ) : step > 2 ? (
              <p>
                Workspace <strong>{workspace?.name}</strong> for {team?.name}.
              </p>
            ) : (
              <p>A folder of code the team shares.</p>
            )}
          </div>
        </li>
        <li className={`first-run-step ${state(3)}`} aria-current={step === 3 ? "step" : undefined}>
          <StepNumber n={3} done={false} />
          <div>
            <h2>Bring code in</h2>
            <p>
              Drag files, folders or a <code>.zip</code> onto the explorer, or use its{" "}
              <Icon name="cloud-upload" /> Upload buttons. A <code>.zip</code> is unpacked into the
              workspace.
            </p>
            {step === 3 && workspace && (
              <button type="button" className="primary" onClick={() => onDone(workspace)} autoFocus>
                <Icon name="folder-opened" /> Open {workspace.name}
              </button>
            )}
          </div>
        </li>
      </ol>
    </section>
  );
}

function StepNumber({ n, done }: { n: number; done: boolean }) {
  return (
    <span className="first-run-num" aria-hidden="true">
      {done ? <Icon name="check" /> : n}
    </span>
  );
}

export default FirstRun;
