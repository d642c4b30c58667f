import { describe, expect, it } from "vitest";
import type { FileEntry } from "../api/client";
import { visibleRows, windowOf } from "./tree";

const f = (path: string, type: FileEntry["type"] = "file"): FileEntry => ({
  name: path.split("/").at(-1)!,
  path,
  type,
  size: 0,
  modified: 0,
});

const children = {
  "": [f("src", "dir"), f("docs", "dir"), f("README.md")],
  src: [f("src/main.ts"), f("src/util.ts")],
  docs: [f("docs/guide.md")],
};

describe("tree rows", () => {
  it("opens expanded folders only", () => {
    const rows = visibleRows(children, { src: true }, "");
    expect(rows.map((r) => `${r.depth}:${r.entry.path}`)).toEqual([
      "0:src",
      "1:src/main.ts",
      "1:src/util.ts",
      "0:docs",
      "0:README.md",
    ]);
  });

  it("filters to matches and the folders that lead to them", () => {
    expect(visibleRows(children, {}, "UTIL").map((r) => r.entry.path)).toEqual([
      "src",
      "src/util.ts",
    ]);
    expect(visibleRows(children, {}, "nothing")).toEqual([]);
  });

  it("renders a window of a huge list", () => {
    expect(windowOf(10_000, 22, 22_000, 440)).toEqual({ first: 990, last: 1030 });
    expect(windowOf(5, 22, 0, 440)).toEqual({ first: 0, last: 5 });
  });
});
