import { useId, useState, type KeyboardEvent } from "react";
import { ideStore } from "../ide/ideStore";
import { useStore } from "../store";
import { Icon } from "../ui/Icon";
import { mentionAt } from "./mentions";

/**
 * The prompt box. Typing @ suggests workspace files: a listbox the arrows move through from the
 * text box (aria-activedescendant), Enter or Tab takes one, Escape dismisses it.
 */
export function Composer({
  disabledReason,
  running,
  canRegenerate,
  onSend,
  onStop,
  onRegenerate,
}: {
  /** Why the user cannot ask here (a teammate's conversation), or null. */
  disabledReason: string | null;
  running: boolean;
  canRegenerate: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  onRegenerate: () => void;
}) {
  const children = useStore(ideStore, (s) => s.children);
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [cursor, setCursor] = useState(0);
  /** The mention (by where it starts) the user dismissed with Escape. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const listId = useId();

  const typing = mentionAt(text, caret);
  const suggestions =
    typing && typing.start !== dismissed
      ? Object.values(children)
          .flat()
          .filter(
            (e) => e.type === "file" && e.path.toLowerCase().includes(typing.query.toLowerCase()),
          )
          .slice(0, 8)
      : [];
  const current = Math.min(cursor, suggestions.length - 1);

  function submit() {
    const prompt = text.trim();
    if (!prompt || disabledReason) return;
    setText("");
    setCaret(0);
    onSend(prompt);
  }

  function complete(path: string) {
    if (!typing) return;
    setText(`${text.slice(0, typing.start)}@${path} ${text.slice(caret)}`);
    setCaret(typing.start + path.length + 2);
    setCursor(0);
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setCursor((current + step + suggestions.length) % suggestions.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        complete(suggestions[current].path);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissed(typing!.start);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  }

  return (
    <div className="composer">
      {suggestions.length > 0 && (
        <ul className="suggestions" role="listbox" id={listId} aria-label="Files to attach">
          {suggestions.map((s, i) => (
            <li
              key={s.path}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              onMouseDown={(e) => {
                e.preventDefault(); // the text box keeps the focus
                complete(s.path);
              }}
              onMouseMove={() => i !== current && setCursor(i)}
            >
              <Icon name="file" />
              {s.path}
            </li>
          ))}
        </ul>
      )}
      <div className="composer-box">
        <textarea
          aria-label="Message"
          aria-autocomplete="list"
          aria-controls={suggestions.length ? listId : undefined}
          aria-activedescendant={suggestions.length ? `${listId}-${current}` : undefined}
          disabled={disabledReason !== null}
          placeholder={disabledReason ?? "Ask about your code; @path attaches a file"}
          rows={3}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            // A mention that is gone (erased) may be typed anew and suggested again.
            if (!mentionAt(e.target.value, e.target.selectionStart)) setDismissed(null);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKey}
        />
        <div className="composer-actions">
          <span className="composer-hint">Enter sends, Shift+Enter breaks the line</span>
          {disabledReason ? null : running ? (
            <button type="button" onClick={onStop}>
              <Icon name="debug-stop" />
              Stop
            </button>
          ) : (
            canRegenerate && (
              <button type="button" onClick={onRegenerate}>
                <Icon name="refresh" />
                Regenerate
              </button>
            )
          )}
          <button
            type="button"
            className="primary"
            onClick={submit}
            disabled={!text.trim() || disabledReason !== null}
          >
            <Icon name="send" />
            Send
          </button>
        </div>
      </div>
    </div>
  );
}
