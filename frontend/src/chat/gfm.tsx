// The Markdown renderer proper, a lazy chunk (react-markdown, remark-gfm and micromark are about
// 40 KB gzip): GitHub-flavoured Markdown as React elements, never innerHTML. Raw HTML in an
// answer is shown as text, only the elements below are kept, links are http(s), mailto or
// relative and open in a new tab, and images are links (never loaded).
import { createContext, memo, useContext, type ReactElement, type ReactNode } from "react";
import ReactMarkdown, { type Components, type ExtraProps } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CodeView } from "./CodeView";
import { CodeActions, fenceBlock, safeUrl, tooCostly, type Chunk } from "./markdown";

const ALLOWED = [
  ...["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "br", "pre", "code"],
  ...["ul", "ol", "li", "input", "strong", "em", "del", "a", "img"],
  ...["table", "thead", "tbody", "tr", "th", "td"],
];

/** One top-level block; memoized, so a streaming answer re-renders only its last one. */
export const Block = memo(function Block({ text, open }: Chunk) {
  const fence = fenceBlock({ text, open });
  if (fence) return <CodeBlock code={fence.code} lang={fence.lang} live={fence.open} />;
  const markdown = tooCostly(text) ? null : parse(text);
  if (!markdown) return <p className="md-plain">{text}</p>;
  return (
    <LiveFrom.Provider value={open ? text.trimEnd().length : Infinity}>
      {markdown}
    </LiveFrom.Provider>
  );
});

/** The parsed block as elements, or null where the parser fails (a stack overflow). */
function parse(text: string): ReactElement | null {
  try {
    // Called, not rendered, so that a failure is caught here.
    return ReactMarkdown({
      remarkPlugins: [remarkGfm],
      allowedElements: ALLOWED,
      unwrapDisallowed: true,
      urlTransform: safeUrl,
      components: COMPONENTS,
      children: text,
    });
  } catch {
    return null;
  }
}

/** Where a code block still streams: one that ends there is inside a fence left open. */
const LiveFrom = createContext(Infinity);

function Pre({ node }: ExtraProps) {
  const liveFrom = useContext(LiveFrom);
  const live = (node?.position?.end.offset ?? 0) >= liveFrom;
  const code = node?.children[0];
  if (!code || code.type !== "element") return null;
  const classes = code.properties.className;
  const language = Array.isArray(classes)
    ? String(classes.find((c) => String(c).startsWith("language-")) ?? "")
    : "";
  const text = code.children.map((c) => (c.type === "text" ? c.value : "")).join("");
  return (
    <CodeBlock
      code={text.endsWith("\n") ? text.slice(0, -1) : text}
      lang={language.slice("language-".length)}
      live={live}
    />
  );
}

function CodeBlock({ code, lang, live }: { code: string; lang: string; live: boolean }) {
  const { labels, run } = useContext(CodeActions);
  return (
    <div className="code-block">
      <div className="code-bar">
        <span>{lang || "text"}</span>
        {!live &&
          labels.map((label) => (
            <button key={label} type="button" onClick={() => run(label, code, lang)}>
              {label}
            </button>
          ))}
      </div>
      {/* Focusable so that a wide block scrolls from the keyboard. */}
      <pre tabIndex={0}>
        <CodeView code={code} lang={lang} live={live} />
      </pre>
    </div>
  );
}

function Link({ href, children }: { href?: string; children?: ReactNode }) {
  // An in-page anchor (a footnote) would change the app's own #route: kept as text.
  if (!href || href.startsWith("#")) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

// Headings start at h3: the answer sits below the page's and the panel's own headings.
const COMPONENTS: Components = {
  h1: ({ children }) => <h3>{children}</h3>,
  h2: ({ children }) => <h4>{children}</h4>,
  h3: ({ children }) => <h5>{children}</h5>,
  h4: ({ children }) => <h6>{children}</h6>,
  h5: ({ children }) => <h6>{children}</h6>,
  h6: ({ children }) => <h6>{children}</h6>,
  // Only the attributes set here: no id, data-* or aria-* from footnotes and the like.
  li: ({ className, children }) => <li className={className}>{children}</li>,
  pre: Pre,
  a: ({ href, children }) => <Link href={href}>{children}</Link>,
  img: ({ src, alt }) => (
    <Link href={typeof src === "string" ? src : undefined}>{alt || "image"}</Link>
  ),
  input: ({ checked }) => (
    <input
      type="checkbox"
      checked={!!checked}
      disabled
      readOnly
      aria-label={checked ? "Done" : "Not done"}
    />
  ),
  table: ({ children }) => (
    <div className="md-table" tabIndex={0} role="region" aria-label="Table">
      <table>{children}</table>
    </div>
  ),
};
