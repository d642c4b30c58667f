import { useEffect, useState } from "react";
import type { Span } from "../monaco/highlight";

/** A code block, highlighted once Monaco's tokenizers are loaded (plain text until then). */
export function CodeView({ code, lang, live }: { code: string; lang: string; live: boolean }) {
  const [lines, setLines] = useState<Span[][] | null>(null);
  useEffect(() => {
    if (live || !lang) return; // highlight finished blocks; a streaming one changes every frame
    let current = true;
    void import("../monaco/highlight")
      .then((m) => m.highlight(code, lang))
      .then((spans) => current && setLines(spans))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [code, lang, live]);
  if (!lines) return <code>{code}</code>;
  return (
    <code>
      {lines.map((line, i) => (
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
      ))}
    </code>
  );
}
