import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { Conversation } from "../api/client";
import { Icon } from "../ui/Icon";
import { conversationDate } from "./conversationDate";

/** How a conversation without a title (an old one) is listed. */
export const UNTITLED = "Untitled conversation";

/**
 * The conversation switcher: a button with the open conversation's title that opens a list with a
 * search box. Arrows move through the matches, Enter opens one, Escape closes and gives the focus
 * back; the list is a listbox driven from the search box (aria-activedescendant).
 */
export function ConversationList({
  conversations,
  activeId,
  title,
  me,
  onOpen,
  onNew,
  onShow,
}: {
  conversations: Conversation[];
  activeId: string | null;
  /** What the button shows: the open conversation's title, or what to do. */
  title: string;
  me: string | undefined;
  onOpen: (id: string) => void;
  onNew: () => void;
  /** Called when the list opens: a teammate may have shared one since it was loaded. */
  onShow?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [cursor, setCursor] = useState(0);
  const wrapper = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = useId();

  const words = query.trim().toLowerCase();
  const matches = words
    ? conversations.filter((c) => (c.title || UNTITLED).toLowerCase().includes(words))
    : conversations;
  const current = Math.min(cursor, matches.length - 1);

  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (!wrapper.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  function show() {
    setQuery("");
    setCursor(
      Math.max(
        0,
        conversations.findIndex((c) => c.id === activeId),
      ),
    );
    setOpen(true);
    onShow?.();
  }

  function close() {
    setOpen(false);
    toggle.current?.focus();
  }

  function choose(id: string) {
    close();
    if (id !== activeId) onOpen(id);
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    const last = matches.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, current + 1),
      ArrowUp: Math.max(0, current - 1),
      PageDown: Math.min(last, current + 8),
      PageUp: Math.max(0, current - 8),
    };
    if (e.key in moves) {
      e.preventDefault();
      setCursor(moves[e.key]);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (matches[current]) choose(matches[current].id);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  }

  useEffect(() => {
    if (open)
      document.getElementById(`${listId}-${current}`)?.scrollIntoView?.({ block: "nearest" });
  }, [open, current, listId]);

  return (
    <div className="conversation-switcher" ref={wrapper}>
      <button
        ref={toggle}
        type="button"
        className="conversation-toggle"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => (open ? close() : show())}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            show();
          }
        }}
      >
        <span className="visually-hidden">Conversation: </span>
        <span className="conversation-title">{title}</span>
        <Icon name={open ? "chevron-up" : "chevron-down"} />
      </button>
      {open && (
        <div className="conversation-popover" role="dialog" aria-label="Conversations">
          <div className="conversation-search">
            <Icon name="search" />
            <input
              autoFocus
              type="search"
              role="combobox"
              aria-label="Search conversations"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={matches.length ? `${listId}-${current}` : undefined}
              placeholder="Search conversations"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setCursor(0);
              }}
              onKeyDown={onKey}
            />
            <button
              type="button"
              className="icon-btn"
              aria-label="New conversation"
              title="New conversation"
              onClick={() => {
                close();
                onNew();
              }}
            >
              <Icon name="add" />
            </button>
          </div>
          <ul
            id={listId}
            role="listbox"
            aria-label="Conversations"
            className="conversation-options"
          >
            {matches.map((c, i) => {
              const sharedBy = c.owner && c.owner !== me ? c.owner : null;
              return (
                <li
                  key={c.id}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === current}
                  data-conversation-id={c.id}
                  data-open={c.id === activeId || undefined}
                  onMouseDown={(e) => e.preventDefault()} // the search box keeps the focus
                  onMouseMove={() => i !== current && setCursor(i)}
                  onClick={() => choose(c.id)}
                >
                  <Icon name={sharedBy ? "organization" : "comment-discussion"} />
                  <span className="conversation-option-title">{c.title || UNTITLED}</span>
                  <span className="conversation-option-meta">
                    {sharedBy && <span className="shared-by">shared by {sharedBy}</span>}
                    {!sharedBy && c.team && <span className="shared-by">shared</span>}
                    <span>{conversationDate(c.updatedAt)}</span>
                  </span>
                </li>
              );
            })}
          </ul>
          {matches.length === 0 && (
            <p className="conversation-empty">
              {words ? `No conversation matches “${query.trim()}”.` : "No conversations yet."}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
