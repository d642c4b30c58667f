import { useEffect, useRef, useState } from "react";
import { apiJson, ApiError, type Workspace } from "../api/client";
import { setSession, type Session } from "../auth/session";
import { ChatPanel } from "../chat/ChatPanel";
import { chatStore, connect, disconnect } from "../chat/chatStore";
import { canSeePerformance } from "../performance/access";
import { useStore } from "../store";
import { EditorPane } from "./EditorPane";
import { Explorer } from "./Explorer";
import { dropDrafts, ideStore, openWorkspace, saveAll } from "./ideStore";

interface Layout {
  explorer: number;
  chat: number;
}

const DEFAULT_LAYOUT: Layout = { explorer: 260, chat: 420 };

function loadLayout(user: string): Layout {
  try {
    return {
      ...DEFAULT_LAYOUT,
      ...JSON.parse(localStorage.getItem(`aicoder.layout.${user}`) ?? "{}"),
    };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/** The IDE: explorer | editor | chat, resizable, the sizes remembered per user. */
export function Ide({ session }: { session: Session }) {
  const [layout, setLayout] = useState(() => loadLayout(session.username));
  const workspaces = useStore(ideStore, (s) => s.workspaces);
  const workspaceId = useStore(ideStore, (s) => s.workspaceId);
  const connection = useStore(chatStore, (s) => s.connection);
  const [error, setError] = useState<string | null>(null);
  const drag = useRef<{ side: keyof Layout; x: number; start: number } | null>(null);

  useEffect(() => {
    localStorage.setItem(`aicoder.layout.${session.username}`, JSON.stringify(layout));
  }, [layout, session.username]);

  useEffect(() => {
    connect();
    void refreshWorkspaces();
    return () => disconnect();
  }, []);

  useEffect(() => {
    if (connection === "unauthorized") setSession(null); // expired or revoked: sign in again
  }, [connection]);

  async function refreshWorkspaces() {
    try {
      const list = await apiJson<Workspace[]>("/api/workspaces");
      ideStore.set((s) => ({ ...s, workspaces: list }));
      if (list.length && !ideStore.get().workspaceId) await openWorkspace(list[0].id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function createWorkspace() {
    const name = window.prompt("Workspace name", "my-project");
    if (!name) return;
    try {
      const me = await apiJson<{ teams: { id: string }[] }>("/api/me");
      let teamId = me.teams[0]?.id;
      if (!teamId && session.role === "admin") {
        const team = await apiJson<{ id: string }>("/api/admin/teams", {
          method: "POST",
          body: JSON.stringify({ name: `${session.username}'s team` }),
        });
        await apiJson(`/api/admin/teams/${team.id}/members`, {
          method: "POST",
          body: JSON.stringify({ username: session.username }),
        });
        teamId = team.id;
      }
      if (!teamId) throw new Error("You are in no team yet; ask an admin to add you to one.");
      const created = await apiJson<Workspace>("/api/workspaces", {
        method: "POST",
        body: JSON.stringify({ name, teamId }),
      });
      await refreshWorkspaces();
      await openWorkspace(created.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Saves what can be saved, then ends the session; nothing of this user stays in the tab. */
  async function signOut() {
    const unsaved = await saveAll();
    if (
      unsaved.length &&
      !window.confirm(`Unsaved changes to ${unsaved.join(", ")} will be lost. Sign out anyway?`)
    )
      return;
    try {
      await apiJson("/api/auth/logout", { method: "POST" });
    } catch {
      // signed out here all the same; the token expires on its own
    } finally {
      dropDrafts(session.username);
      setSession(null);
    }
  }

  function startDrag(side: keyof Layout, x: number) {
    drag.current = { side, x, start: layout[side] };
    const move = (e: PointerEvent) => {
      const d = drag.current!;
      const delta = d.side === "explorer" ? e.clientX - d.x : d.x - e.clientX;
      setLayout((l) => ({ ...l, [d.side]: Math.max(160, Math.min(900, d.start + delta)) }));
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  return (
    <div className="ide">
      <header className="top-bar">
        <strong>AI-Coder</strong>
        <select
          aria-label="Workspace"
          value={workspaceId ?? ""}
          onChange={(e) => e.target.value && void openWorkspace(e.target.value)}
        >
          {!workspaceId && <option value="">No workspace</option>}
          {workspaces.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void createWorkspace()}>
          New workspace
        </button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
        <span className="spacer" />
        {canSeePerformance(session.role) && <a href="#performance">Performance</a>}
        <a href="#status">Status</a>
        <span>{session.username}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div
        className="panes"
        style={{
          gridTemplateColumns: `${layout.explorer}px 4px minmax(200px, 1fr) 4px ${layout.chat}px`,
        }}
      >
        <Explorer />
        <div
          className="resizer"
          role="separator"
          aria-label="Resize explorer"
          onPointerDown={(e) => startDrag("explorer", e.clientX)}
        />
        <EditorPane />
        <div
          className="resizer"
          role="separator"
          aria-label="Resize chat"
          onPointerDown={(e) => startDrag("chat", e.clientX)}
        />
        <ChatPanel />
      </div>
    </div>
  );
}
