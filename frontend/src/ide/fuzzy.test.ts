import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyScore } from "./fuzzy";

describe("fuzzy", () => {
  it("matches characters in order, case-insensitively", () => {
    expect(fuzzyScore("hlo", "src/hello.py")).not.toBeNull();
    expect(fuzzyScore("HELLO", "src/hello.py")).not.toBeNull();
    expect(fuzzyScore("olh", "src/hello.py")).toBeNull();
    expect(fuzzyScore("x", "src/hello.py")).toBeNull();
  });

  it("ranks a match in the file name above one spread over folders", () => {
    const ranked = fuzzyFilter("main", ["m/a/i/n.txt", "src/main.ts", "docs/domain.md"]);
    expect(ranked.map((r) => r.path)).toEqual(["src/main.ts", "docs/domain.md", "m/a/i/n.txt"]);
  });

  it("prefers word starts and the shorter path on a tie", () => {
    const ranked = fuzzyFilter("ws", ["lib/workspace_store.ts", "lib/wise.ts"]);
    expect(ranked[0].path).toBe("lib/workspace_store.ts");
    expect(fuzzyFilter("a", ["x/a.ts", "x/y/a.ts"]).map((r) => r.path)).toEqual([
      "x/a.ts",
      "x/y/a.ts",
    ]);
  });

  it("reports where it matched, for highlighting", () => {
    expect(fuzzyScore("hp", "hello.py")!.hits).toEqual([0, 6]);
  });

  it("keeps at most the limit", () => {
    const paths = Array.from({ length: 500 }, (_, i) => `f${i}.ts`);
    expect(fuzzyFilter("f", paths, 50)).toHaveLength(50);
  });
});
