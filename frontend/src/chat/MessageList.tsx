import { observeElementRect, useVirtualizer } from "@tanstack/react-virtual";
import { useLayoutEffect, useRef, type ReactNode } from "react";

const ESTIMATE = 96;
// A list not laid out yet (or in jsdom) reports no height: render as for a usual one meanwhile.
const UNMEASURED_HEIGHT = 800;

interface Props<T> {
  items: T[];
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  onTop: () => void;
}

/**
 * A list of variable-height items where only those near the viewport are in the DOM
 * (@tanstack/react-virtual; each item is measured, and measured again when it resizes, such as
 * an answer that streams). It sticks to the bottom while content arrives unless the user scrolled
 * up, keeps what the user reads in place when older items are prepended, and calls onTop when
 * scrolled near the top.
 */
export function MessageList<T>({ items, keyOf, render, onTop }: Props<T>) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => box.current,
    estimateSize: () => ESTIMATE,
    getItemKey: (i) => keyOf(items[i]),
    overscan: 4,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) =>
        cb(rect.height ? rect : { width: rect.width, height: UNMEASURED_HEIGHT }),
      ),
  });
  const total = virtualizer.getTotalSize();
  const firstKey = items.length ? keyOf(items[0]) : "";
  const previous = useRef({ firstKey, total: 0 });

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (previous.current.firstKey !== firstKey && previous.current.total) {
      // Older messages were prepended: keep what the user was reading in place.
      el.scrollTop += total - previous.current.total;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { firstKey, total };
  });

  return (
    <div
      className="messages"
      ref={box}
      role="log"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        if (el.scrollTop < 200) onTop();
      }}
    >
      <div style={{ height: total, position: "relative" }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            style={{ position: "absolute", top: row.start, left: 0, right: 0 }}
          >
            {render(items[row.index])}
          </div>
        ))}
      </div>
    </div>
  );
}
