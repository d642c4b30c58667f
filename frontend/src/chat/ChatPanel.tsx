import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError } from "../api/client";
import { getSession } from "../auth/session";
import { ideStore, propose } from "../ide/ideStore";
import { useRenderTime } from "../performance/renderTime";
import { useStore } from "../store";
import { Icon } from "../ui/Icon";
import { AnswerItem, PromptItem } from "./AnswerItem";
import { ChatHeader } from "./ChatHeader";
import "./chat.css";
import {
  cancel,
  chatStore,
  loadConversations,
  loadOlder,
  send,
  type ChatState,
  type Item,
} from "./chatStore";
import { Composer } from "./Composer";
import type { CodeAction } from "./Markdown";
import { MessageList } from "./MessageList";
import { isFinished } from "./streamReducer";

const NO_ITEMS: Item[] = [];

/** The turn of the open conversation still running, if any: what Stop stops. */
function runningTurn(s: ChatState): string | null {
  const items = s.conversationId ? (s.items[s.conversationId] ?? NO_ITEMS) : NO_ITEMS;
  for (const item of items) {
    const turn = item.kind === "assistant" && item.turnId ? s.stream.turns[item.turnId] : undefined;
    if (turn && !isFinished(turn)) return turn.turnId;
  }
  return null;
}

/**
 * The assistant: the header, the streamed answers and the prompt box. It reads the item list, not
 * the answers' text: each answer subscribes to its own turn (AnswerItem), so a token re-renders
 * one answer, not this panel.
 */
export function ChatPanel() {
  useRenderTime(); // reported with the web app's own numbers (performance/vitals.ts)
  const conversationId = useStore(chatStore, (s) => s.conversationId);
  const items = useStore(chatStore, (s) =>
    s.conversationId ? (s.items[s.conversationId] ?? NO_ITEMS) : NO_ITEMS,
  );
  const running = useStore(chatStore, runningTurn);
  const error = useStore(chatStore, (s) => s.error);
  const sharedBy = useStore(chatStore, (s) => {
    const owner = s.conversations.find((c) => c.id === s.conversationId)?.owner;
    return owner && owner !== getSession()?.username ? owner : null;
  });
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void loadConversations().catch(() => {});
  }, [conversationId]);

  // Stable, so that a re-render of the panel does not re-render every answer (AnswerItem is memo).
  const actions = useMemo<CodeAction[]>(
    () => [
      { label: "Copy", run: (code) => void navigator.clipboard?.writeText(code) },
      {
        label: "Apply",
        run: (code) => {
          const target = ideStore.get().active;
          if (!target) return setProblem("Open the file to apply the code to, then Apply again.");
          void propose(target, code).catch((e) =>
            setProblem(e instanceof ApiError ? e.message : String(e)),
          );
        },
      },
    ],
    [],
  );

  const renderItem = useCallback(
    (item: Item) =>
      item.kind === "user" ? (
        <PromptItem text={item.text} />
      ) : (
        <AnswerItem item={item} actions={actions} />
      ),
    [actions],
  );

  const lastPrompt = [...items].reverse().find((i) => i.kind === "user");

  return (
    <section className="chat" aria-label="Assistant">
      <ChatHeader onProblem={setProblem} />
      {(problem || error) && (
        <div role="alert" className="chat-problem">
          <span>{problem ?? error}</span>
          {problem && (
            <button
              type="button"
              className="icon-btn"
              aria-label="Dismiss the message"
              onClick={() => setProblem(null)}
            >
              <Icon name="close" />
            </button>
          )}
        </div>
      )}
      {items.length === 0 ? (
        <div className="chat-empty">
          <Icon name="comment-discussion" className="chat-empty-icon" />
          <p>Ask about your code.</p>
          <p className="chat-empty-hint">Type @ and a file name to attach a file.</p>
        </div>
      ) : (
        <MessageList
          items={items}
          keyOf={(i) => i.key}
          render={renderItem}
          onTop={() => void loadOlder().catch(() => {})}
        />
      )}
      <Composer
        disabledReason={
          sharedBy ? `Shared by ${sharedBy}: you follow it; only ${sharedBy} can ask here.` : null
        }
        running={running !== null}
        canRegenerate={!!lastPrompt}
        onSend={(text) => void send(text).catch((e) => setProblem(String(e)))}
        onStop={() => running && cancel(running)}
        onRegenerate={() =>
          lastPrompt && void send(lastPrompt.text).catch((e) => setProblem(String(e)))
        }
      />
    </section>
  );
}
