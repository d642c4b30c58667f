import { describe, expect, it } from "vitest";
import { isSafePath, mentionAt, parseMentions } from "./mentions";

describe("mentions", () => {
  it("finds file mentions with their positions", () => {
    const text = "Explain @src/main.ts and @README.md, please. Mail me@example.com";
    expect(parseMentions(text)).toEqual([
      { path: "src/main.ts", start: 8, end: 20 },
      { path: "README.md", start: 25, end: 35 },
    ]);
  });

  it("skips duplicates and unsafe paths", () => {
    expect(
      parseMentions("@a.ts @a.ts @../etc/passwd @x/../y @.hidden/..").map((m) => m.path),
    ).toEqual(["a.ts"]);
    expect(isSafePath("a//b")).toBe(false);
    expect(isSafePath("/abs")).toBe(false);
    expect(isSafePath("ok/file.txt")).toBe(true);
  });

  it("knows the mention being typed at the caret", () => {
    expect(mentionAt("look at @src/ma", 15)).toEqual({ query: "src/ma", start: 8 });
    expect(mentionAt("no mention here", 15)).toBeNull();
    expect(mentionAt("mail@x", 6)).toBeNull();
  });
});
