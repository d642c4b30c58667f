import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A small modal dialog (the design system's .overlay): focus moves into it, Escape or a click on
 * the backdrop cancels, and focus returns to what had it when it closes.
 */
export function ChatDialog({
  title,
  onCancel,
  children,
}: {
  title: string;
  onCancel: () => void;
  children: ReactNode;
}) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>("[data-autofocus], button, input")?.focus();
    return () => before?.focus();
  }, []);

  return (
    <div
      className="overlay-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onCancel()}
    >
      <div
        ref={box}
        className="overlay chat-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          }
          // Tab stays inside: a modal dialog's controls are all there is.
          if (e.key === "Tab") {
            const all = [
              ...(box.current?.querySelectorAll<HTMLElement>("button, input, select") ?? []),
            ].filter((el) => !(el as HTMLButtonElement).disabled);
            const first = all[0];
            const last = all[all.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last?.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <h2 id={id}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
