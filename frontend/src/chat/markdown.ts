// A small Markdown parser for model output. It produces a tree of plain data that components
// render as React elements, so no model text ever reaches innerHTML: script and HTML in the
// output are shown as text, and links are kept only for http(s) URLs.

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; children: Inline[] }
  | { kind: "em"; children: Inline[] }
  | { kind: "link"; href: string; children: Inline[] };

export type Block =
  | { kind: "heading"; level: number; children: Inline[] }
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "code"; lang: string; text: string; open: boolean }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "quote"; children: Inline[] };

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+#.-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

/** Parses Markdown into blocks; an unclosed code fence (a streaming answer) runs to the end. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length)
      blocks.push({ kind: "paragraph", children: parseInline(paragraph.join("\n")) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j].trim().startsWith(fence[1])) body.push(lines[j++]);
      blocks.push({ kind: "code", lang: fence[2], text: body.join("\n"), open: j >= lines.length });
      i = j;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length, children: parseInline(heading[2]) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = !bullet;
      const items: Inline[][] = [];
      let j = i;
      while (j < lines.length) {
        const m = ordered ? NUMBERED.exec(lines[j]) : BULLET.exec(lines[j]);
        if (!m) break;
        items.push(parseInline(m[1]));
        j++;
      }
      blocks.push({ kind: "list", ordered, items });
      i = j - 1;
      continue;
    }
    if (line.startsWith(">")) {
      flush();
      blocks.push({ kind: "quote", children: parseInline(line.replace(/^>\s?/, "")) });
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

const SAFE_URL = /^https?:\/\/[^\s]+$/i;

/** Parses inline code, bold, italics and links; everything else is text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = "";
  const push = (node: Inline) => {
    if (buffer) out.push({ kind: "text", text: buffer });
    buffer = "";
    out.push(node);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end > i) {
        push({ kind: "code", text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (text.startsWith("**", i)) {
      const end = text.indexOf("**", i + 2);
      if (end > i + 2) {
        push({ kind: "strong", children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((c === "*" || c === "_") && text[i + 1] !== c && text[i + 1] !== " ") {
      const end = text.indexOf(c, i + 1);
      if (end > i + 1) {
        push({ kind: "em", children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === "[") {
      const close = text.indexOf("](", i);
      const end = close > 0 ? text.indexOf(")", close) : -1;
      if (close > i && end > close) {
        const href = text.slice(close + 2, end).trim();
        const label = parseInline(text.slice(i + 1, close));
        if (SAFE_URL.test(href)) push({ kind: "link", href, children: label });
        else label.forEach((node) => push(node)); // unsafe scheme: keep only the label
        i = end + 1;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  if (buffer) out.push({ kind: "text", text: buffer });
  return out;
}
