// What the Markdown view needs besides the parser (react-markdown + remark-gfm, a lazy chunk):
// splitting an answer into top-level blocks so that a streaming answer re-parses only its last
// block, the URL policy, and the code actions shared with the blocks.
import { createContext } from "react";

export interface CodeAction {
  label: string;
  run: (code: string, lang: string) => void;
}

/** The code actions' labels (stable while they do not change) and a runner for them. */
export const CodeActions = createContext<{
  labels: string[];
  run: (label: string, code: string, lang: string) => void;
}>({ labels: [], run: () => {} });

/** A top-level piece of an answer; `open` when it ends inside a code fence (still streaming). */
export interface Chunk {
  text: string;
  open: boolean;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)/;
// Short paragraphs stay together: each piece costs a parser run.
const MIN_CHUNK = 256;
// A reference definition or footnote may be used by any block: such an answer is not split.
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:/m;

/**
 * Splits Markdown at top-level block boundaries, in one pass: before a line at column 0 that
 * follows a blank line (an indented one continues a list item) once the piece has MIN_CHUNK
 * characters, and before and after a fence at column 0; never inside a fence, nor between items
 * of one list. Each piece parses the same on its own as within the whole.
 */
export function splitBlocks(source: string): Chunk[] {
  const whole = DEFINITION.test(source);
  const chunks: Chunk[] = [];
  let start = 0;
  let fence: { char: string; length: number; top: boolean } | null = null;
  let blank = false;
  let afterFence = false;
  let hasList = false;
  let pos = 0;
  while (pos <= source.length) {
    let end = source.indexOf("\n", pos);
    if (end < 0) end = source.length;
    const line = source.slice(pos, end);
    if (fence) {
      const close = FENCE.exec(line);
      if (
        close &&
        close[2][0] === fence.char &&
        close[2].length >= fence.length &&
        !close[3].trim()
      ) {
        afterFence = fence.top;
        fence = null;
      }
    } else if (!line.trim()) {
      blank = true;
    } else {
      const opening = FENCE.exec(line);
      const isFence = !!opening && (opening[2][0] === "~" || !opening[3].includes("`"));
      const isItem = LIST_ITEM.test(line);
      const column0 = !/^[ \t]/.test(line);
      const cut =
        !whole &&
        pos > start &&
        column0 &&
        ((isFence && opening[1] === "") ||
          afterFence ||
          (blank && !(isItem && hasList) && pos - start >= MIN_CHUNK));
      if (cut) {
        chunks.push({ text: source.slice(start, pos), open: false });
        start = pos;
        hasList = false;
      }
      if (isItem) hasList = true;
      if (isFence)
        fence = { char: opening[2][0], length: opening[2].length, top: opening[1] === "" };
      blank = false;
      afterFence = false;
    }
    pos = end + 1;
  }
  chunks.push({ text: source.slice(start), open: fence !== null });
  return chunks;
}

/**
 * A piece that is one fenced code block at column 0 (open: still streaming): its language and
 * code, rendered without the parser. Null for any other piece.
 */
export function fenceBlock(chunk: Chunk): { lang: string; code: string; open: boolean } | null {
  const text = chunk.text;
  const newline = text.indexOf("\n");
  const m = FENCE.exec(newline < 0 ? text : text.slice(0, newline));
  if (!m || m[1] !== "" || (m[2][0] === "`" && m[3].includes("`"))) return null;
  const lang = m[3].trim().split(/\s/)[0];
  if (newline < 0) return chunk.open ? { lang, code: "", open: true } : null;
  const body = text.slice(newline + 1);
  const closing = new RegExp(`^ {0,3}${m[2][0]}{${m[2].length},}[ \t]*$`, "m").exec(body);
  if (!closing) return chunk.open ? { lang, code: body, open: true } : null;
  // Closed: only blank lines may follow (an unsplit answer may hold more after it).
  if (body.slice(closing.index + closing[0].length).trim()) return null;
  return { lang, code: body.slice(0, Math.max(0, closing.index - 1)), open: false };
}

/**
 * Links and image addresses: http(s), mailto and relative ones only; anything else (javascript:,
 * data:, vbscript:, ...) becomes "" and is rendered as plain text.
 */
export function safeUrl(url: string): string {
  const value = url.trim();
  const colon = value.indexOf(":");
  const slash = value.search(/[/?#]/);
  if (colon < 0 || (slash >= 0 && slash < colon)) return value; // relative
  return /^(https?|mailto)$/i.test(value.slice(0, colon)) ? value : "";
}

// micromark resolves emphasis, strikethrough and link brackets with work that grows with the
// square of their number in one block (20 KB of "*a" takes seconds). A block with more than this
// many is shown as plain text: no answer worth formatting has that many in one paragraph.
const DELIMITERS = /[*_~[\]]/g;
const MAX_DELIMITERS = 1500;
// Likewise for a very long block (its parse is linear but re-done on every token while it
// streams), and for containers nested deeper than anyone writes (their parse recurses).
const MAX_BLOCK = 50_000;
const DEEP = /^(?: {0,3}(?:>|[-*+]|\d{1,9}[.)]) ?){16}/m;

/** Whether a piece is too costly to parse: shown as plain text instead. */
export function tooCostly(text: string): boolean {
  if (text.length > MAX_BLOCK || DEEP.test(text)) return true;
  if (text.length < MAX_DELIMITERS) return false;
  DELIMITERS.lastIndex = 0;
  let n = 0;
  while (DELIMITERS.exec(text)) if (++n > MAX_DELIMITERS) return true;
  return false;
}
