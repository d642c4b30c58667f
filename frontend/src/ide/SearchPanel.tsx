import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useStore } from "../store";
import { Icon, fileIcon } from "../ui/Icon";
import { ideStore, openFile } from "./ideStore";
import { searchWorkspace, type SearchMatch, type SearchSummary } from "./search";

/** Where the query occurs in a line, for highlighting (the server matches case-insensitively). */
function Line({ text, query }: { text: string; query: string }) {
  const i = text.toLowerCase().indexOf(query.toLowerCase());
  if (i < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <mark>{text.slice(i, i + query.length)}</mark>
      {text.slice(i + query.length)}
    </>
  );
}

/**
 * Search in the workspace's files: results stream in, grouped by file; a result opens at its line.
 * Keyed by the workspace where it is used, so another workspace starts it afresh.
 */
export function SearchPanel({ autoFocus }: { autoFocus?: boolean }) {
  const workspaceId = useStore(ideStore, (s) => s.workspaceId);
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<SearchMatch[]>([]);
  const [summary, setSummary] = useState<SearchSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  // A search per pause in typing; a newer query cancels the one still streaming.
  useEffect(() => {
    if (!workspaceId || !query.trim()) return;
    const abort = new AbortController();
    const found: SearchMatch[] = [];
    let flush = 0;
    const timer = setTimeout(() => {
      setSearching(true);
      searchWorkspace(
        workspaceId,
        query,
        (m) => {
          found.push(m);
          // Render at most once a frame however fast matches arrive.
          if (!flush) flush = requestAnimationFrame(() => ((flush = 0), setMatches([...found])));
        },
        abort.signal,
      )
        .then((s) => {
          cancelAnimationFrame(flush);
          setMatches([...found]);
          setSummary(s);
        })
        .catch((e) => {
          if (!abort.signal.aborted) setError(e instanceof ApiError ? e.message : String(e));
        })
        .finally(() => !abort.signal.aborted && setSearching(false));
    }, 250);
    return () => {
      clearTimeout(timer);
      cancelAnimationFrame(flush);
      abort.abort();
      setSearching(false);
    };
  }, [workspaceId, query]);

  const groups = useMemo(() => {
    const byPath = new Map<string, SearchMatch[]>();
    for (const m of matches) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
    return [...byPath];
  }, [matches]);

  return (
    <section className="search-panel" aria-label="Search">
      <div className="explorer-bar">
        <input
          ref={input}
          type="search"
          aria-label="Search in files"
          placeholder="Search in files"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setMatches([]);
            setSummary(null);
            setError(null);
          }}
          maxLength={200}
        />
      </div>
      <div className="search-summary" role="status" aria-live="polite">
        {error ? (
          <span className="error">{error}</span>
        ) : searching ? (
          `Searching… ${matches.length} found`
        ) : summary ? (
          `${summary.matches} matches in ${groups.length} files` +
          (summary.truncated ? " (stopped at the limit)" : "") +
          (summary.timedOut ? " (stopped: took too long)" : "")
        ) : null}
      </div>
      <ul className="search-results" aria-label="Search results">
        {groups.map(([path, list]) => (
          <li key={path}>
            <div className="search-file" title={path}>
              <Icon name={fileIcon(path)} />
              <span className="name">{path.slice(path.lastIndexOf("/") + 1)}</span>
              <span className="path">{path}</span>
              <span className="count">{list.length}</span>
            </div>
            <ul>
              {list.map((m) => (
                <li key={m.line}>
                  <button
                    type="button"
                    className="search-hit"
                    data-testid="search-hit"
                    onClick={() => void openFile(m.path, { line: m.line })}
                  >
                    <span className="line-no">{m.line}</span>
                    <span className="text">
                      <Line text={m.text} query={query} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
