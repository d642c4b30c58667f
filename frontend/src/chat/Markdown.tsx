import { Fragment, type ReactNode } from "react";
import { CodeView } from "./CodeView";
import { parseMarkdown, type Block, type Inline } from "./markdown";

export interface CodeAction {
  label: string;
  run: (code: string, lang: string) => void;
}

/** Renders model output as Markdown through React only (no innerHTML): it cannot inject HTML. */
export function Markdown({ text, actions = [] }: { text: string; actions?: CodeAction[] }) {
  return (
    <div className="markdown">{parseMarkdown(text).map((b, i) => renderBlock(b, i, actions))}</div>
  );
}

function renderBlock(block: Block, key: number, actions: CodeAction[]): ReactNode {
  switch (block.kind) {
    case "heading": {
      const Tag = `h${Math.min(6, block.level + 2)}` as "h3";
      return <Tag key={key}>{renderInline(block.children)}</Tag>;
    }
    case "paragraph":
      return <p key={key}>{renderInline(block.children)}</p>;
    case "quote":
      return <blockquote key={key}>{renderInline(block.children)}</blockquote>;
    case "list": {
      const items = block.items.map((item, i) => <li key={i}>{renderInline(item)}</li>);
      return block.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
    }
    case "code":
      return (
        <div className="code-block" key={key}>
          <div className="code-bar">
            <span>{block.lang || "text"}</span>
            {!block.open &&
              actions.map((a) => (
                <button key={a.label} type="button" onClick={() => a.run(block.text, block.lang)}>
                  {a.label}
                </button>
              ))}
          </div>
          <pre>
            <CodeView code={block.text} lang={block.lang} live={block.open} />
          </pre>
        </div>
      );
  }
}

function renderInline(nodes: Inline[]): ReactNode {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case "text":
        return <Fragment key={i}>{node.text}</Fragment>;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "strong":
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case "em":
        return <em key={i}>{renderInline(node.children)}</em>;
      case "link":
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}
