import { useEffect, useState, type KeyboardEvent } from "react";
import { ApiError, apiJson } from "../api/client";
import { getSession } from "../auth/session";
import { ideStore, propose } from "../ide/ideStore";
import { useRenderTime } from "../performance/renderTime";
import { useStore } from "../store";
import {
  cancel,
  chatStore,
  deleteConversation,
  loadConversations,
  loadOlder,
  newConversation,
  openConversation,
  renameConversation,
  send,
  setReuseAnswers,
  shareConversation,
  type Item,
} from "./chatStore";
import { Markdown, type CodeAction } from "./Markdown";
import { MessageList } from "./MessageList";
import { mentionAt } from "./mentions";
import { isFinished } from "./streamReducer";

const NO_ITEMS: Item[] = [];

/** The assistant: conversations, the streamed answers and the prompt box. */
export function ChatPanel() {
  useRenderTime(); // reported with the web app's own numbers (performance/vitals.ts)
  const conversations = useStore(chatStore, (s) => s.conversations);
  const conversationId = useStore(chatStore, (s) => s.conversationId);
  const items = useStore(chatStore, (s) =>
    s.conversationId ? (s.items[s.conversationId] ?? NO_ITEMS) : NO_ITEMS,
  );
  const turns = useStore(chatStore, (s) => s.stream.turns);
  const status = useStore(chatStore, (s) => s.connection);
  const error = useStore(chatStore, (s) => s.error);
  const reuse = useStore(chatStore, (s) =>
    s.conversationId ? s.reuse[s.conversationId] === true : false,
  );
  const children = useStore(ideStore, (s) => s.children);
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void loadConversations().catch(() => {});
  }, [conversationId]);

  const me = getSession()?.username;
  const active = conversations.find((c) => c.id === conversationId);
  // A teammate's conversation shared with us: we follow it; only its owner asks and stops.
  const sharedBy = active?.owner && active.owner !== me ? active.owner : null;

  async function share(id: string) {
    try {
      if (active?.team) return await shareConversation(id, null);
      const me = await apiJson<{ teams: { id: string; name: string }[] }>("/api/me");
      if (me.teams.length === 0) throw new Error("You are in no team to share with.");
      const name =
        me.teams.length === 1
          ? me.teams[0].name
          : window.prompt(`Share with which team? ${me.teams.map((t) => t.name).join(", ")}`);
      const team = me.teams.find((t) => t.name === name);
      if (team) await shareConversation(id, team.id);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  }

  const running = items
    .flatMap((i) => (i.kind === "assistant" && i.turnId ? [turns[i.turnId]] : []))
    .find((t) => t && !isFinished(t));
  const lastPrompt = [...items].reverse().find((i) => i.kind === "user");
  const typing = mentionAt(text, caret);
  const suggestions = typing
    ? Object.values(children)
        .flat()
        .filter(
          (e) => e.type === "file" && e.path.toLowerCase().includes(typing.query.toLowerCase()),
        )
        .slice(0, 8)
    : [];

  const actions: CodeAction[] = [
    { label: "Copy", run: (code) => void navigator.clipboard?.writeText(code) },
    {
      label: "Apply",
      run: (code) => {
        const target = ideStore.get().active ?? window.prompt("Apply to which file?", "");
        if (target)
          void propose(target, code).catch((e) =>
            setProblem(e instanceof ApiError ? e.message : String(e)),
          );
      },
    },
  ];

  function submit() {
    const prompt = text.trim();
    if (!prompt) return;
    setText("");
    void send(prompt).catch((e) => setProblem(String(e)));
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  }

  function complete(path: string) {
    if (!typing) return;
    const next = `${text.slice(0, typing.start)}@${path} ${text.slice(caret)}`;
    setText(next);
    setCaret(typing.start + path.length + 2);
  }

  function renderItem(item: Item) {
    if (item.kind === "user") {
      return (
        <div className="message user">
          <div className="bubble">{item.text}</div>
        </div>
      );
    }
    const turn = item.turnId ? turns[item.turnId] : undefined;
    const body = turn ? turn.text : item.text;
    const state = turn?.status ?? item.status ?? (item.turnId ? "done" : "sending");
    return (
      <div className="message assistant" data-status={state} data-testid="answer">
        <Markdown text={body} actions={actions} />
        {state === "queued" && <div className="meta">Waiting for a free worker…</div>}
        {state === "sending" && <div className="meta">Sending…</div>}
        {turn && turn.restarts > 0 && (
          <div className="meta">The answer was restarted by another worker.</div>
        )}
        {state === "cancelled" && <div className="meta">Stopped.</div>}
        {turn?.cached && (
          <div
            className="meta cached"
            title="Replayed from the answer cache: an identical earlier question"
          >
            from cache
          </div>
        )}
        {state === "error" && (
          <div className="meta error">{turn?.error?.message ?? "The answer failed."}</div>
        )}
      </div>
    );
  }

  return (
    <section className="chat" aria-label="Assistant">
      <div className="chat-bar">
        <span
          className={`connection ${status}`}
          data-testid="connection"
          title={`Connection: ${status}`}
        >
          ● {status}
        </span>
        <select
          aria-label="Conversation"
          value={conversationId ?? ""}
          onChange={(e) => e.target.value && void openConversation(e.target.value)}
        >
          <option value="">
            {conversationId ? "(this conversation)" : "Choose a conversation"}
          </option>
          {conversations.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title || c.id.slice(0, 8)}
              {c.owner && c.owner !== me ? ` (shared by ${c.owner})` : ""}
            </option>
          ))}
        </select>
        <button type="button" onClick={newConversation}>
          New
        </button>
        {conversationId && !sharedBy && (
          <>
            <button type="button" onClick={() => void share(conversationId)}>
              {active?.team ? "Unshare" : "Share"}
            </button>
            <button
              type="button"
              onClick={() => {
                const title = window.prompt("Rename conversation");
                if (title)
                  void renameConversation(conversationId, title).catch((e) =>
                    setProblem(String(e)),
                  );
              }}
            >
              Rename
            </button>
            <button
              type="button"
              onClick={() => {
                if (window.confirm("Delete this conversation?"))
                  void deleteConversation(conversationId).catch((e) => setProblem(String(e)));
              }}
            >
              Delete
            </button>
            <label
              className="reuse"
              title="Answer an identical question from the cache (only when the server's model runs at temperature 0)"
            >
              <input
                type="checkbox"
                checked={reuse}
                onChange={(e) => setReuseAnswers(conversationId, e.target.checked)}
              />
              Reuse answers
            </label>
          </>
        )}
      </div>
      {(problem || error) && (
        <p role="alert" className="error">
          {problem ?? error}
        </p>
      )}
      <MessageList
        items={items}
        keyOf={(i) => i.key}
        render={renderItem}
        onTop={() => void loadOlder().catch(() => {})}
      />
      <div className="composer">
        {suggestions.length > 0 && (
          <ul className="suggestions" role="listbox">
            {suggestions.map((s) => (
              <li
                key={s.path}
                role="option"
                aria-selected={false}
                onMouseDown={() => complete(s.path)}
              >
                {s.path}
              </li>
            ))}
          </ul>
        )}
        <textarea
          aria-label="Message"
          disabled={sharedBy !== null}
          placeholder={
            sharedBy
              ? `Shared by ${sharedBy}: you follow it; only ${sharedBy} can ask here.`
              : "Ask about your code; @path attaches a file"
          }
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onKeyDown={onKey}
        />
        <div className="composer-actions">
          {sharedBy ? null : running ? (
            <button type="button" onClick={() => cancel(running.turnId)}>
              Stop
            </button>
          ) : (
            lastPrompt && (
              <button type="button" onClick={() => void send(lastPrompt.text)}>
                Regenerate
              </button>
            )
          )}
          <button type="button" onClick={submit} disabled={!text.trim() || sharedBy !== null}>
            Send
          </button>
        </div>
      </div>
    </section>
  );
}
