import { useLayoutEffect, useRef, useState, type ReactNode } from "react";

const ESTIMATE = 96;
const OVERSCAN_PX = 800;

/**
 * A list of variable-height items where only those near the viewport are in the DOM. Heights are
 * measured as items render and estimated before; it sticks to the bottom while new content
 * arrives (unless the user scrolled up), and calls onTop when scrolled near the top.
 */
export function MessageList<T>({
  items,
  keyOf,
  render,
  onTop,
}: {
  items: T[];
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  onTop: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [, setMeasured] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const atBottom = useRef(true);
  const firstKey = items.length ? keyOf(items[0]) : "";
  const previousFirst = useRef(firstKey);
  const previousTotal = useRef(0);

  const offsets: number[] = [];
  let total = 0;
  for (const item of items) {
    offsets.push(total);
    total += heights.current.get(keyOf(item)) ?? ESTIMATE;
  }
  let first = 0;
  while (first < items.length - 1 && offsets[first + 1] < scrollTop - OVERSCAN_PX) first++;
  let last = first;
  while (last < items.length && offsets[last] < scrollTop + viewport + OVERSCAN_PX) last++;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (previousFirst.current !== firstKey && previousTotal.current) {
      // Older messages were prepended: keep what the user was reading in place.
      el.scrollTop += total - previousTotal.current;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    previousFirst.current = firstKey;
    previousTotal.current = total;
  });

  const measure = (key: string) => (el: HTMLDivElement | null) => {
    if (!el) return;
    const h = el.offsetHeight;
    if (h && heights.current.get(key) !== h) {
      heights.current.set(key, h);
      setMeasured((n) => n + 1);
    }
  };

  return (
    <div
      className="messages"
      ref={box}
      role="log"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        setViewport(el.clientHeight);
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        if (el.scrollTop < 200) onTop();
      }}
    >
      <div style={{ height: total, position: "relative" }}>
        {items.slice(first, last).map((item, i) => {
          const key = keyOf(item);
          return (
            <div
              key={key}
              ref={measure(key)}
              style={{ position: "absolute", top: offsets[first + i], left: 0, right: 0 }}
            >
              {render(item)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
