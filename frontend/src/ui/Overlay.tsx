import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal dialog over the page: Escape or a click outside closes it, Tab stays inside it, and focus
 * goes back to where it was when it closes.
 */
export function Overlay({
  label,
  onClose,
  children,
  className,
}: {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The control marked data-autofocus (a safe default such as Cancel), else the first one.
    const first =
      box.current?.querySelector<HTMLElement>("[data-autofocus]") ??
      box.current?.querySelector<HTMLElement>("input, button, select, textarea, [tabindex]");
    (first ?? box.current)?.focus();
    return () => before?.focus?.();
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
    } else if (e.key === "Tab") {
      const focusable = [
        ...box.current!.querySelectorAll<HTMLElement>(
          "input, button:not(:disabled), select, textarea, a[href], [tabindex]:not([tabindex='-1'])",
        ),
      ];
      if (!focusable.length) return;
      const i = focusable.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey
        ? i <= 0
          ? focusable.at(-1)
          : null
        : i === focusable.length - 1
          ? focusable[0]
          : null;
      if (next) {
        e.preventDefault();
        next.focus();
      }
    }
  }

  return (
    <div
      className="overlay-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        className={`overlay${className ? ` ${className}` : ""}`}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
}
