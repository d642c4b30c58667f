import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { CodeActions, splitBlocks, type CodeAction } from "./markdown";
import "./markdown.css";

export type { CodeAction } from "./markdown";

type Renderer = typeof import("./gfm");
let renderer: Renderer | null = null;
let loading: Promise<Renderer> | null = null;

/** Loads the Markdown renderer (a lazy chunk); Markdown shows plain text until it is in. */
export function loadMarkdown(): Promise<Renderer> {
  loading ??= import("./gfm").then((m) => (renderer = m));
  return loading;
}

/**
 * Renders model output as GitHub-flavoured Markdown through React only (no innerHTML). The text
 * is split into top-level blocks, each memoized: while an answer streams, only its last block is
 * parsed and rendered again.
 */
export function Markdown({ text, actions = [] }: { text: string; actions?: CodeAction[] }) {
  const [gfm, setGfm] = useState(renderer);
  useEffect(() => {
    if (gfm) return;
    let current = true;
    void loadMarkdown().then((m) => current && setGfm(m));
    return () => {
      current = false;
    };
  }, [gfm]);

  // The blocks keep their memo across renders even though the caller passes new actions each
  // time: they get the labels (stable) and a runner that finds the latest action.
  const latest = useRef(actions);
  useLayoutEffect(() => {
    latest.current = actions;
  });
  const labelsKey = actions.map((a) => a.label).join("\n");
  const run = useCallback((label: string, code: string, lang: string) => {
    latest.current.find((a) => a.label === label)?.run(code, lang);
  }, []);
  const context = useMemo(
    () => ({ labels: labelsKey ? labelsKey.split("\n") : [], run }),
    [labelsKey, run],
  );

  if (!gfm) {
    return (
      <div className="markdown">
        <p className="md-plain">{text}</p>
      </div>
    );
  }
  return (
    <CodeActions.Provider value={context}>
      <div className="markdown">
        {splitBlocks(text).map((chunk, i) => (
          <gfm.Block key={i} text={chunk.text} open={chunk.open} />
        ))}
      </div>
    </CodeActions.Provider>
  );
}
