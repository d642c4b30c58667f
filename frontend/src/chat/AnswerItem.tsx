import { memo } from "react";
import { useStore } from "../store";
import { chatStore, type Item } from "./chatStore";
import { Markdown, type CodeAction } from "./Markdown";

type Answer = Extract<Item, { kind: "assistant" }>;

/**
 * One assistant answer. It subscribes to its own turn only, so a token re-renders this answer and
 * nothing else: the panel re-renders only when the list of items changes.
 */
export const AnswerItem = memo(function AnswerItem({
  item,
  actions,
}: {
  item: Answer;
  actions: CodeAction[];
}) {
  const turn = useStore(chatStore, (s) => (item.turnId ? s.stream.turns[item.turnId] : undefined));
  const body = turn ? turn.text : item.text;
  const state = turn?.status ?? item.status ?? (item.turnId ? "done" : "sending");
  return (
    <div className="message assistant" data-status={state} data-testid="answer">
      <Markdown text={body} actions={actions} />
      {state === "queued" && <div className="meta">Waiting for a free worker…</div>}
      {state === "sending" && <div className="meta">Sending…</div>}
      {state === "streaming" && !body && (
        <div className="meta typing">
          <span className="visually-hidden">Answering…</span>
          <span className="dot" />
          <span className="dot" />
          <span className="dot" />
        </div>
      )}
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
        <div className="meta error" role="alert">
          {turn?.error?.message ?? "The answer failed."}
        </div>
      )}
    </div>
  );
});

/** One prompt of the user's. */
export const PromptItem = memo(function PromptItem({ text }: { text: string }) {
  return (
    <div className="message user">
      <div className="bubble">{text}</div>
    </div>
  );
});
