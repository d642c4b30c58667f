import { useEffect, useMemo, useState } from "react";
import { Icon, fileIcon } from "../ui/Icon";
import { Overlay } from "../ui/Overlay";
import { indexFiles } from "./fileIndex";
import { fuzzyFilter } from "./fuzzy";

/** Shows the path with the matched characters in bold. */
function Highlighted({ path, hits }: { path: string; hits: number[] }) {
  const set = new Set(hits);
  return (
    <>{[...path].map((c, i) => (set.has(i) ? <b key={i}>{c}</b> : <span key={i}>{c}</span>))}</>
  );
}

/** Ctrl/Cmd+P: type part of a file's path, Enter opens it. */
export function QuickOpen({
  workspaceId,
  onOpen,
  onClose,
}: {
  workspaceId: string;
  onOpen: (path: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [paths, setPaths] = useState<string[]>([]);
  const [state, setState] = useState<"indexing" | "done" | "truncated" | string>("indexing");
  const [active, setActive] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    indexFiles(workspaceId, (p) => setPaths([...p]), abort.signal).then(
      (r) => setState(r.truncated ? "truncated" : "done"),
      (e) => !abort.signal.aborted && setState(`Could not list the files: ${e.message ?? e}`),
    );
    return () => abort.abort();
  }, [workspaceId]);

  const results = useMemo(() => fuzzyFilter(query, paths, 50), [query, paths]);
  const current = Math.min(active, Math.max(0, results.length - 1));

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "ArrowDown") setActive((current + 1) % Math.max(1, results.length));
    else if (e.key === "ArrowUp")
      setActive((current - 1 + results.length) % Math.max(1, results.length));
    else if (e.key === "Enter" && results[current]) onOpen(results[current].path);
    else return;
    e.preventDefault();
  }

  return (
    <Overlay label="Go to file" onClose={onClose} className="quick-open">
      <input
        aria-label="File name"
        placeholder="Type a file name to open it"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded="true"
        aria-controls="quick-open-results"
        aria-activedescendant={results[current] ? `qo-${current}` : undefined}
      />
      <ul id="quick-open-results" role="listbox" aria-label="Files">
        {results.map((r, i) => (
          <li
            key={r.path}
            id={`qo-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? "active" : undefined}
            onMouseMove={() => setActive(i)}
            onClick={() => onOpen(r.path)}
          >
            <Icon name={fileIcon(r.path)} />
            <span className="name">{r.path.slice(r.path.lastIndexOf("/") + 1)}</span>
            <span className="path">
              <Highlighted path={r.path} hits={r.hits} />
            </span>
          </li>
        ))}
      </ul>
      <div className="overlay-foot" role="status">
        {state === "indexing"
          ? `Listing files… ${paths.length}`
          : state === "done"
            ? `${paths.length} files`
            : state === "truncated"
              ? `The first ${paths.length} files (the workspace has more)`
              : state}
        {query && ` · ${results.length === 50 ? "50+" : results.length} matches`}
      </div>
    </Overlay>
  );
}
