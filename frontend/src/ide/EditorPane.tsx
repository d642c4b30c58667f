import { lazy, Suspense } from "react";
import { useRenderTime } from "../performance/renderTime";
import { useStore } from "../store";
import {
  closeTab,
  decideProposal,
  edit,
  ideStore,
  isDirty,
  resolveConflict,
  setMerged,
} from "./ideStore";

const MonacoHost = lazy(() => import("../monaco/MonacoHost"));
const DiffHost = lazy(() => import("../monaco/MonacoHost").then((m) => ({ default: m.DiffHost })));

/** Tabs of open files and the editor, conflict view or proposed-change view of the active one. */
export function EditorPane() {
  useRenderTime(); // reported with the web app's own numbers (performance/vitals.ts)
  const tabs = useStore(ideStore, (s) => s.tabs);
  const active = useStore(ideStore, (s) => s.active);
  const current = tabs.find((t) => t.path === active);

  return (
    <section className="editor-pane" aria-label="Editor">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <div
            key={t.path}
            role="tab"
            aria-selected={t.path === active}
            className={`tab${t.path === active ? " active" : ""}`}
            onClick={() => ideStore.set((s) => ({ ...s, active: t.path }))}
            title={t.path}
          >
            {t.path.split("/").at(-1)}
            {t.conflict ? " ⚠" : isDirty(t) ? " ●" : ""}
            <button
              type="button"
              aria-label={`Close ${t.path}`}
              onClick={(e) => {
                e.stopPropagation();
                if (!isDirty(t) || window.confirm(`${t.path} has unsaved changes. Close anyway?`)) {
                  closeTab(t.path);
                  // Free the closed file's editor model (undo history); the chunk is loaded already.
                  void import("../monaco/MonacoHost").then((m) => m.disposeModel(t.path));
                }
              }}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      {current && (
        <div className="status-line" data-testid="save-state">
          {current.conflict
            ? "Conflict: someone else changed this file."
            : current.saving
              ? "Saving…"
              : isDirty(current)
                ? "Unsaved"
                : "Saved"}
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
              <span>Left: the version on the server. Right: yours.</span>
              <button type="button" onClick={() => void resolveConflict(current.path, "theirs")}>
                Take theirs
              </button>
              <button type="button" onClick={() => void resolveConflict(current.path, "mine")}>
                Keep mine
              </button>
            </div>
            <DiffHost
              key={current.path}
              path={current.path}
              original={current.conflict.serverText}
              modified={current.conflict.merged ?? current.text}
              onModifiedChange={(text) => setMerged(current.path, text)}
            />
          </div>
        ) : current.proposal !== undefined ? (
          <div className="diff-view" data-testid="proposal">
            <div className="diff-bar">
              <span>Proposed change to {current.path}</span>
              <button type="button" onClick={() => decideProposal(current.path, true)}>
                Accept
              </button>
              <button type="button" onClick={() => decideProposal(current.path, false)}>
                Reject
              </button>
            </div>
            <DiffHost path={current.path} original={current.text} modified={current.proposal} />
          </div>
        ) : (
          <MonacoHost
            path={current.path}
            text={current.text}
            plain={current.mode !== "normal"}
            readOnly={current.mode === "readonly"}
            onChange={(text) => edit(current.path, text)}
          />
        )}
      </Suspense>
    </section>
  );
}
