import { monaco } from "./setup";

/** One run of characters with its token class (keyword, string, comment, number, type or ""). */
export interface Span {
  text: string;
  kind: string;
}

const KINDS = ["keyword", "string", "comment", "number", "type", "regexp", "operator"];

/**
 * Splits code into classified spans with Monaco's own tokenizers. The caller renders them as
 * React text, so highlighting never turns model output into markup.
 */
export async function highlight(code: string, lang: string): Promise<Span[][]> {
  const language = monaco.languages
    .getLanguages()
    .find((l) => l.id === lang || l.aliases?.includes(lang) || l.extensions?.includes(`.${lang}`));
  const lines = code.split("\n");
  if (!language) return lines.map((text) => [{ text, kind: "" }]);
  await monaco.editor.colorize("", language.id, {}); // loads the language's tokenizer
  const tokens = monaco.editor.tokenize(code, language.id);
  return lines.map((line, i) => {
    const row = tokens[i] ?? [];
    return row.map((token, j) => {
      const end = j + 1 < row.length ? row[j + 1].offset : line.length;
      const kind = KINDS.find((k) => token.type.startsWith(k)) ?? "";
      return { text: line.slice(token.offset, end), kind };
    });
  });
}
