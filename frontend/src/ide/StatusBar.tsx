import { useEffect, useState } from "react";
import { apiJson } from "../api/client";
import { useStore } from "../store";
import { chatStore } from "../chat/chatStore";
import { Icon } from "../ui/Icon";
import { themeStore, cycleTheme } from "../ui/theme";
import { editorStatus } from "./editorStatus";
import { ideStore, isDirty } from "./ideStore";

const CONNECTION: Record<string, { icon: string; text: string }> = {
  open: { icon: "pass-filled", text: "Connected" },
  connecting: { icon: "sync", text: "Connecting…" },
  reconnecting: { icon: "sync", text: "Reconnecting…" },
  closed: { icon: "error", text: "Disconnected" },
  unauthorized: { icon: "error", text: "Signed out" },
};

const THEME_LABEL = { system: "Auto", light: "Light", dark: "Dark" };

/** The bar at the bottom: the assistant's connection, the workspace, the active file's state. */
export function StatusBar({ onHelp }: { onHelp: () => void }) {
  const connection = useStore(chatStore, (s) => s.connection);
  const workspace = useStore(ideStore, (s) => s.workspaces.find((w) => w.id === s.workspaceId));
  const save = useStore(ideStore, (s) => {
    const tab = s.tabs.find((t) => t.path === s.active);
    if (!tab) return null;
    if (tab.conflict) return "Conflict";
    if (tab.error) return "Not saved";
    if (tab.saving) return "Saving…";
    return isDirty(tab) ? "Unsaved" : "Saved";
  });
  const theme = useStore(themeStore, (s) => s.choice);
  const [model, setModel] = useState<string | null>(null);
  useEffect(() => {
    apiJson<{ model?: string }>("/api/me").then(
      (me) => setModel(me.model ?? null),
      () => {}, // the bar shows no model; the rest of the app reports a failing server
    );
  }, []);
  const cursor = useStore(editorStatus, (s) =>
    s.path
      ? `Ln ${s.line}, Col ${s.column}${s.selectionLength ? ` (${s.selectionLength} selected)` : ""}`
      : null,
  );
  const language = useStore(editorStatus, (s) => (s.path ? s.language : null));
  const c = CONNECTION[connection] ?? { icon: "circle-outline", text: connection };
  return (
    <footer className="status-bar" aria-label="Status bar">
      <span
        data-testid="status-connection"
        data-state={connection}
        title="The assistant's connection"
      >
        <Icon name={c.icon} /> {c.text}
      </span>
      {model && (
        <span data-testid="status-model" title="The assistant's model">
          <Icon name="sparkle" /> {model}
        </span>
      )}
      {workspace && (
        <span title="Workspace">
          <Icon name="root-folder" /> {workspace.name}
        </span>
      )}
      {save && (
        <span data-testid="status-save" title="The active file">
          <Icon name={save === "Saved" ? "check" : save === "Saving…" ? "sync" : "circle-filled"} />{" "}
          {save}
        </span>
      )}
      <span className="spacer" />
      {cursor && <span data-testid="status-cursor">{cursor}</span>}
      {language && <span title="Language">{language}</span>}
      <button
        type="button"
        onClick={cycleTheme}
        aria-label={`${THEME_LABEL[theme]} theme: switch theme`}
        title="Theme: follow the system, light or dark"
      >
        <Icon name="color-mode" /> {THEME_LABEL[theme]}
      </button>
      <button
        type="button"
        onClick={onHelp}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (F1)"
      >
        <Icon name="keyboard" />
      </button>
    </footer>
  );
}
