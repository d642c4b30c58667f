import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { apiJson, ApiError, type Workspace } from "../api/client";
import { setSession, type Session } from "../auth/session";
import { ChatPanel } from "../chat/ChatPanel";
import { chatStore, connect, disconnect } from "../chat/chatStore";
import { canSeePerformance } from "../performance/access";
import { useStore } from "../store";
import { HelpOverlay } from "../ui/HelpOverlay";
import { Icon } from "../ui/Icon";
import { keyLabel } from "../ui/shortcuts";
import { EditorPane } from "./EditorPane";
import { Explorer } from "./Explorer";
import { dropDrafts, ideStore, openFile, openWorkspace, saveAll } from "./ideStore";
import { NewWorkspace } from "./NewWorkspace";
import { QuickOpen } from "./QuickOpen";
import { SearchPanel } from "./SearchPanel";
import { StatusBar } from "./StatusBar";

// An admin's first run only: a lazy chunk the others never load.
const FirstRun = lazy(() => import("../admin/FirstRun"));

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
  const [side, setSide] = useState<"files" | "search">("files");
  const [dialog, setDialog] = useState<"quick-open" | "help" | "new-workspace" | null>(null);
  const admin = session.role === "admin";
  const [loaded, setLoaded] = useState(false);

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

  // The app's shortcuts (ui/shortcuts.ts), taken before the editor sees them.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const inText =
        e.target instanceof HTMLElement &&
        (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
      let handled = true;
      if (mod && !e.shiftKey && key === "p") setDialog("quick-open");
      else if (mod && e.shiftKey && key === "f") setSide("search");
      else if (mod && e.shiftKey && key === "e") setSide("files");
      else if (mod && e.shiftKey && key === "l")
        document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus();
      else if (mod && !e.shiftKey && key === "s") void saveAll();
      else if (e.key === "F1" || (e.key === "?" && !inText && !mod)) setDialog("help");
      else handled = false;
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  async function refreshWorkspaces() {
    try {
      const list = await apiJson<Workspace[]>("/api/workspaces");
      ideStore.set((s) => ({ ...s, workspaces: list }));
      setLoaded(true);
      if (list.length && !ideStore.get().workspaceId) await openWorkspace(list[0].id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
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

  /** Arrow keys on a focused separator move it (keyboard-only use). */
  function resizeByKey(side: keyof Layout, e: React.KeyboardEvent) {
    const step = e.key === "ArrowLeft" ? -20 : e.key === "ArrowRight" ? 20 : 0;
    if (!step) return;
    e.preventDefault();
    const delta = side === "explorer" ? step : -step;
    setLayout((l) => ({ ...l, [side]: Math.max(160, Math.min(900, l[side] + delta)) }));
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
        <span className="brand">
          <img src="/favicon.svg" alt="" />
          AI-Coder
        </span>
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
        <button
          type="button"
          className="icon-btn"
          aria-label="New workspace"
          title="New workspace"
          onClick={() => setDialog("new-workspace")}
        >
          <Icon name="add" />
        </button>
        <button
          type="button"
          className="quick-open-button"
          disabled={!workspaceId}
          onClick={() => setDialog("quick-open")}
          title={`Go to file (${keyLabel("Mod+P")})`}
        >
          <Icon name="search" /> Go to file <kbd>{keyLabel("Mod+P")}</kbd>
        </button>
        {error && (
          <span role="alert" className="error" title={error}>
            {error}
          </span>
        )}
        <span className="spacer" />
        {admin && (
          <a className="nav-link" href="#admin">
            <Icon name="organization" /> Admin
          </a>
        )}
        {canSeePerformance(session.role) && (
          <a className="nav-link" href="#performance">
            <Icon name="pulse" /> Performance
          </a>
        )}
        <a className="nav-link" href="#status">
          <Icon name="server-environment" /> Status
        </a>
        <span className="user" title={`Signed in as ${session.username} (${session.role})`}>
          <Icon name="account" /> {session.username}
        </span>
        <button type="button" onClick={() => void signOut()}>
          <Icon name="sign-out" /> Sign out
        </button>
      </header>
      <div
        className="panes"
        style={{
          gridTemplateColumns: `${layout.explorer}px 4px minmax(200px, 1fr) 4px ${layout.chat}px`,
        }}
      >
        <div className="side">
          <div className="side-tabs" role="tablist" aria-label="Side bar">
            <button
              type="button"
              role="tab"
              aria-selected={side === "files"}
              onClick={() => setSide("files")}
              title={`Explorer (${keyLabel("Mod+Shift+E")})`}
            >
              <Icon name="files" /> Files
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={side === "search"}
              onClick={() => setSide("search")}
              title={`Search (${keyLabel("Mod+Shift+F")})`}
            >
              <Icon name="search" /> Search
            </button>
          </div>
          {side === "files" ? <Explorer /> : <SearchPanel key={workspaceId} autoFocus />}
        </div>
        <div
          className="resizer"
          role="separator"
          aria-label="Resize the side bar"
          aria-orientation="vertical"
          aria-valuenow={layout.explorer}
          aria-valuemin={160}
          aria-valuemax={900}
          tabIndex={0}
          onPointerDown={(e) => startDrag("explorer", e.clientX)}
          onKeyDown={(e) => resizeByKey("explorer", e)}
        />
        {admin && loaded && workspaces.length === 0 ? (
          <Suspense fallback={<div className="loading">Loading…</div>}>
            <FirstRun onDone={(w) => void refreshWorkspaces().then(() => openWorkspace(w.id))} />
          </Suspense>
        ) : (
          <EditorPane />
        )}
        <div
          className="resizer"
          role="separator"
          aria-label="Resize the assistant"
          aria-orientation="vertical"
          aria-valuenow={layout.chat}
          aria-valuemin={160}
          aria-valuemax={900}
          tabIndex={0}
          onPointerDown={(e) => startDrag("chat", e.clientX)}
          onKeyDown={(e) => resizeByKey("chat", e)}
        />
        <ChatPanel />
      </div>
      <StatusBar onHelp={() => setDialog("help")} />
      {dialog === "help" && <HelpOverlay onClose={() => setDialog(null)} />}
      {dialog === "quick-open" && workspaceId && (
        <QuickOpen
          workspaceId={workspaceId}
          onClose={() => setDialog(null)}
          onOpen={(path) => {
            setDialog(null);
            void openFile(path).catch((e) => setError(e instanceof Error ? e.message : String(e)));
          }}
        />
      )}
      {dialog === "new-workspace" && (
        <NewWorkspace
          admin={admin}
          username={session.username}
          onClose={() => setDialog(null)}
          onCreated={(w) => {
            setDialog(null);
            void refreshWorkspaces().then(() => openWorkspace(w.id));
          }}
        />
      )}
    </div>
  );
}
