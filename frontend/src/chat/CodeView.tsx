import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Span } from "../monaco/highlight";

/** How often a streaming block is highlighted again: its text changes on every token. */
const LIVE_INTERVAL_MS = 150;

/**
 * A code block, highlighted with Monaco's tokenizers once they are loaded (plain text until then).
 * While the block streams it is highlighted again at most every LIVE_INTERVAL_MS: what was
 * highlighted stays coloured and the text that arrived since follows as plain text.
 */
export function CodeView({ code, lang, live }: { code: string; lang: string; live: boolean }) {
  const [done, setDone] = useState<{ code: string; lang: string; lines: Span[][] } | null>(null);
  const latest = useRef(code);
  const pending = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    latest.current = code;
  });
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (!lang || pending.current || (done?.code === code && done.lang === lang)) return;
    // Not cancelled when the code changes again: a throttle, so a steady stream still gets passes.
    pending.current = true;
    setTimeout(
      () => {
        const text = latest.current;
        void import("../monaco/highlight")
          .then((m) => m.highlight(text, lang))
          .then(
            (lines) => {
              pending.current = false;
              if (mounted.current) setDone({ code: text, lang, lines });
            },
            () => {
              pending.current = false;
            },
          );
      },
      live && done ? LIVE_INTERVAL_MS : 0,
    );
  }, [code, lang, live, done]);

  const coloured = useMemo(() => (done ? renderLines(done.lines) : null), [done]);
  if (!done || !coloured || done.lang !== lang || !code.startsWith(done.code))
    return <code>{code}</code>;
  return (
    <code>
      {coloured}
      {code.slice(done.code.length)}
    </code>
  );
}

function renderLines(lines: Span[][]): ReactNode {
  return lines.map((line, i) => (
    <span key={i}>
      {line.map((span, j) =>
        span.kind ? (
          <span key={j} className={`tok-${span.kind}`}>
            {span.text}
          </span>
        ) : (
          span.text
        ),
      )}
      {i < lines.length - 1 && "\n"}
    </span>
  ));
}
