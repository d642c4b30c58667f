import { lazy, Suspense, useState, type KeyboardEvent } from "react";
import { useRenderTime } from "../performance/renderTime";
import { useStore } from "../store";
import { Icon } from "../ui/Icon";
import { Overlay } from "../ui/Overlay";
import "./editor.css";
import {
  closeTab,
  decideProposal,
  ideStore,
  resolveConflict,
  revealed,
  save,
  tab,
  type Tab,
} from "./ideStore";

const Host = lazy(() => import("../monaco/MonacoHost").then((m) => ({ default: m.Host })));

const nameOf = (path: string) => path.split("/").at(-1) ?? path;

function saveState(t: Tab) {
  if (t.conflict) return "Conflict: someone else changed this file.";
  if (t.saving) return "Saving…";
  return t.dirty ? "Unsaved" : "Saved";
}

/** Arrow keys, Home and End move among the tabs (and show the file), as in a tab list. */
function moveAmongTabs(e: KeyboardEvent<HTMLButtonElement>, index: number) {
  const all = [
    ...(e.currentTarget
      .closest('[role="tablist"]')
      ?.querySelectorAll<HTMLElement>('[role="tab"]') ?? []),
  ];
  const to =
    e.key === "ArrowRight"
      ? (index + 1) % all.length
      : e.key === "ArrowLeft"
        ? (index - 1 + all.length) % all.length
        : e.key === "Home"
          ? 0
          : e.key === "End"
            ? all.length - 1
            : -1;
  if (to < 0) return;
  e.preventDefault();
  all[to].focus();
  all[to].click();
}

/** Tabs of open files and the editor, conflict view or proposed-change view of the active one. */
export function EditorPane() {
  useRenderTime(); // reported with the web app's own numbers (performance/vitals.ts)
  // Tabs change when a file opens, closes, turns dirty or clean, saves: not on each keystroke.
  const tabs = useStore(ideStore, (s) => s.tabs);
  const active = useStore(ideStore, (s) => s.active);
  const reveal = useStore(ideStore, (s) => s.reveal);
  const [closing, setClosing] = useState<string | null>(null);
  const current = tabs.find((t) => t.path === active);

  function askClose(path: string) {
    if (tab(path)?.dirty) setClosing(path);
    else closeTab(path);
  }

  return (
    <section className="editor-pane" aria-label="Editor">
      <div className="tabs" role="tablist" aria-label="Open files">
        {tabs.map((t, i) => (
          <div key={t.path} className={`tab${t.path === active ? " active" : ""}`}>
            <button
              type="button"
              role="tab"
              className="tab-name"
              aria-selected={t.path === active}
              aria-keyshortcuts="Delete"
              title={`${t.path} (Delete closes)`}
              onClick={() => ideStore.set((s) => ({ ...s, active: t.path }))}
              onKeyDown={(e) => {
                if (e.key === "Delete") {
                  e.preventDefault();
                  askClose(t.path);
                } else moveAmongTabs(e, i);
              }}
            >
              {nameOf(t.path)}
              {t.conflict ? (
                <Icon name="warning" className="tab-mark conflict" label="conflict" />
              ) : t.dirty ? (
                <Icon name="circle-filled" className="tab-mark" label="unsaved" />
              ) : null}
              {/* For the mouse; a tab holds no other control (ARIA), the keyboard closes with Delete. */}
              <span
                className="tab-close"
                title={`Close ${t.path}`}
                aria-hidden="true"
                onClick={(e) => {
                  e.stopPropagation();
                  askClose(t.path);
                }}
              >
                <Icon name="close" />
              </span>
            </button>
          </div>
        ))}
      </div>
      {current && (
        <div className="status-line" data-testid="save-state" aria-live="polite">
          {saveState(current)}
          {current.notice && <span className="notice"> · {current.notice}</span>}
          {current.error && <span className="error"> · {current.error}</span>}
        </div>
      )}
      <Suspense fallback={<div className="loading">Loading editor…</div>}>
        {!current ? (
          <div className="empty">Open a file from the explorer.</div>
        ) : current.conflict ? (
          <div className="diff-view" data-testid="conflict">
            <div className="diff-bar">
              <span>Left: the version on the server. Right: yours, to merge into.</span>
              <button type="button" onClick={() => void resolveConflict(current.path, "theirs")}>
                Take theirs
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void resolveConflict(current.path, "mine")}
              >
                Keep mine
              </button>
            </div>
            <Host
              view="diff"
              key={current.path}
              path={current.path}
              plain={current.mode !== "normal"}
              kind="conflict"
              other={current.conflict.serverText}
            />
          </div>
        ) : current.proposal !== undefined ? (
          <div className="diff-view" data-testid="proposal">
            <div className="diff-bar">
              <span>Proposed change to {current.path}</span>
              <button
                type="button"
                className="primary"
                onClick={() => decideProposal(current.path, true)}
              >
                Accept
              </button>
              <button type="button" onClick={() => decideProposal(current.path, false)}>
                Reject
              </button>
            </div>
            <Host
              view="diff"
              key={current.path}
              path={current.path}
              plain={current.mode !== "normal"}
              kind="proposal"
              other={current.proposal}
            />
          </div>
        ) : (
          <Host
            view="editor"
            path={current.path}
            plain={current.mode !== "normal"}
            readOnly={current.mode === "readonly"}
            reveal={reveal?.path === current.path ? reveal.line : undefined}
            onRevealed={revealed}
          />
        )}
      </Suspense>
      {closing && <CloseDialog path={closing} onDone={() => setClosing(null)} />}
    </section>
  );
}

/** Asked before closing a tab with unsaved changes: save, drop them, or keep the tab open. */
function CloseDialog({ path, onDone }: { path: string; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);

  async function saveAndClose() {
    await save(path);
    const t = tab(path);
    if (t?.dirty) {
      setError(
        t.conflict ? "Someone else changed the file: resolve the conflict first." : "Not saved.",
      );
      return;
    }
    closeTab(path);
    onDone();
  }

  return (
    <Overlay
      label={`${nameOf(path)} has unsaved changes`}
      onClose={onDone}
      className="close-dialog"
    >
      <h2>{nameOf(path)} has unsaved changes</h2>
      <p>Save them before closing the tab?</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="primary" onClick={() => void saveAndClose()}>
          Save
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            closeTab(path);
            onDone();
          }}
        >
          Don&apos;t save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </Overlay>
  );
}
