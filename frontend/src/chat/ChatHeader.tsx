import { useEffect, useRef, useState } from "react";
import { apiJson, type Conversation } from "../api/client";
import { getSession } from "../auth/session";
import { useStore } from "../store";
import { Icon } from "../ui/Icon";
import { Overlay } from "../ui/Overlay";
import {
  chatStore,
  deleteConversation,
  loadConversations,
  newConversation,
  openConversation,
  renameConversation,
  setReuseAnswers,
  shareConversation,
} from "./chatStore";
import { ConversationList, UNTITLED } from "./ConversationList";

type Team = { id: string; name: string };

/**
 * The chat header: connection state, the conversation switcher, and icon buttons for new, rename
 * (inline), share and delete (each asking in a small dialog), and a menu with the answer-cache
 * opt-in. It fits a chat column of 320 px and up.
 */
export function ChatHeader({ onProblem }: { onProblem: (message: string) => void }) {
  const conversations = useStore(chatStore, (s) => s.conversations);
  const conversationId = useStore(chatStore, (s) => s.conversationId);
  const status = useStore(chatStore, (s) => s.connection);
  const reuse = useStore(chatStore, (s) =>
    s.conversationId ? s.reuse[s.conversationId] === true : false,
  );
  const [renaming, setRenaming] = useState(false);
  const [dialog, setDialog] = useState<null | "delete" | { teams: Team[] }>(null);
  const [menu, setMenu] = useState(false);

  const me = getSession()?.username;
  const active = conversations.find((c) => c.id === conversationId);
  // Stored once its first prompt is accepted: only then can it be renamed, shared or deleted.
  const mine = active && (!active.owner || active.owner === me) ? active : null;
  const sharedBy = active?.owner && active.owner !== me ? active.owner : null;
  const title = active
    ? active.title || UNTITLED
    : conversationId
      ? "New conversation"
      : "Choose a conversation";

  const fail = (e: unknown) => onProblem(e instanceof Error ? e.message : String(e));

  async function share(c: Conversation) {
    try {
      if (c.team) return await shareConversation(c.id, null);
      const { teams } = await apiJson<{ teams: Team[] }>("/api/me");
      if (teams.length === 0) throw new Error("You are in no team to share with.");
      // One team is no choice to ask about; several are.
      if (teams.length === 1) await shareConversation(c.id, teams[0].id);
      else setDialog({ teams });
    } catch (e) {
      fail(e);
    }
  }

  return (
    <div className="chat-bar">
      <span
        className={`connection ${status}`}
        data-testid="connection"
        title={`Connection to the assistant: ${status}`}
      >
        <span className="connection-dot" aria-hidden="true" />
        <span className="connection-label">{status}</span>
      </span>
      {renaming && mine ? (
        <RenameForm
          initial={mine.title}
          onDone={(next) => {
            setRenaming(false);
            if (next !== null && next !== mine.title)
              void renameConversation(mine.id, next).catch(fail);
          }}
        />
      ) : (
        <ConversationList
          conversations={conversations}
          activeId={conversationId}
          title={title}
          me={me}
          onOpen={(id) => void openConversation(id)}
          onNew={newConversation}
          onShow={() => void loadConversations().catch(() => {})}
        />
      )}
      <div className="chat-bar-actions">
        <button
          type="button"
          className="icon-btn"
          aria-label="New conversation"
          title="New conversation"
          onClick={newConversation}
        >
          <Icon name="add" />
        </button>
        {mine && !renaming && (
          <>
            <button
              type="button"
              className="icon-btn"
              aria-label="Rename conversation"
              title="Rename"
              onClick={() => setRenaming(true)}
            >
              <Icon name="edit" />
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label={mine.team ? "Unshare conversation" : "Share conversation"}
              title={mine.team ? "Shared with your team: stop sharing" : "Share with a team"}
              onClick={() => void share(mine)}
            >
              <Icon name={mine.team ? "organization" : "live-share"} />
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label="Delete conversation"
              title="Delete"
              onClick={() => setDialog("delete")}
            >
              <Icon name="trash" />
            </button>
          </>
        )}
        {conversationId && !sharedBy && (
          <OptionsMenu
            open={menu}
            onToggle={setMenu}
            reuse={reuse}
            onReuse={(on) => setReuseAnswers(conversationId, on)}
          />
        )}
      </div>
      {dialog === "delete" && mine && (
        <Overlay
          label="Delete this conversation?"
          onClose={() => setDialog(null)}
          className="chat-dialog"
        >
          <h2>Delete this conversation?</h2>
          <p>
            “{mine.title || UNTITLED}” and all its messages are deleted
            {mine.team ? ", also for the team it is shared with" : ""}. This cannot be undone.
          </p>
          <div className="chat-dialog-actions">
            <button type="button" data-autofocus onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setDialog(null);
                void deleteConversation(mine.id).catch(fail);
              }}
            >
              Delete
            </button>
          </div>
        </Overlay>
      )}
      {dialog && dialog !== "delete" && mine && (
        <ShareDialog
          teams={dialog.teams}
          onCancel={() => setDialog(null)}
          onShare={(team) => {
            setDialog(null);
            void shareConversation(mine.id, team).catch(fail);
          }}
        />
      )}
    </div>
  );
}

/** The title as an inline field: Enter (or leaving it) saves, Escape cancels. */
function RenameForm({ initial, onDone }: { initial: string; onDone: (t: string | null) => void }) {
  const [value, setValue] = useState(initial);
  const field = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  const finish = (t: string | null) => {
    if (done.current) return; // Enter, then the blur of the field going away
    done.current = true;
    onDone(t);
  };

  useEffect(() => field.current?.select(), []);

  return (
    <form
      className="chat-rename"
      onSubmit={(e) => {
        e.preventDefault();
        finish(value.trim() || null);
      }}
    >
      <input
        ref={field}
        autoFocus
        aria-label="Conversation title"
        maxLength={100}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            finish(null);
          }
        }}
        onBlur={() => finish(value.trim() || null)}
      />
    </form>
  );
}

function ShareDialog({
  teams,
  onCancel,
  onShare,
}: {
  teams: Team[];
  onCancel: () => void;
  onShare: (teamId: string) => void;
}) {
  const [team, setTeam] = useState(teams[0].id);
  return (
    <Overlay label="Share with a team" onClose={onCancel} className="chat-dialog">
      <h2>Share with a team</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onShare(team);
        }}
      >
        <fieldset className="chat-dialog-teams">
          <legend>Its members can follow the conversation; only you can ask in it.</legend>
          {teams.map((t) => (
            <label key={t.id}>
              <input
                type="radio"
                name="team"
                value={t.id}
                checked={team === t.id}
                onChange={() => setTeam(t.id)}
              />
              {t.name}
            </label>
          ))}
        </fieldset>
        <div className="chat-dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Share
          </button>
        </div>
      </form>
    </Overlay>
  );
}

/** The overflow menu: settings of this conversation that need no button of their own. */
function OptionsMenu({
  open,
  onToggle,
  reuse,
  onReuse,
}: {
  open: boolean;
  onToggle: (open: boolean) => void;
  reuse: boolean;
  onReuse: (on: boolean) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) onToggle(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open, onToggle]);

  return (
    <div
      className="chat-menu"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          onToggle(false);
          box.current?.querySelector("button")?.focus();
        }
      }}
    >
      <button
        type="button"
        className="icon-btn"
        aria-label="Conversation options"
        title="Conversation options"
        aria-expanded={open}
        onClick={() => onToggle(!open)}
      >
        <Icon name="kebab-vertical" />
      </button>
      {open && (
        <div className="chat-menu-popover" role="group" aria-label="Conversation options">
          <label
            className="reuse"
            title="Answer an identical question from the cache (only when the server's model runs at temperature 0)"
          >
            <input
              type="checkbox"
              autoFocus
              checked={reuse}
              onChange={(e) => onReuse(e.target.checked)}
            />
            Reuse answers
          </label>
          <p className="chat-menu-hint">
            An identical question is answered from the cache when the model runs at temperature 0.
          </p>
        </div>
      )}
    </div>
  );
}
