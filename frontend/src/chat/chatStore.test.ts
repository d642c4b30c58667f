import { describe, expect, it } from "vitest";
import { merge, type Item } from "./chatStore";

describe("merging history with what this tab sent", () => {
  it("keeps history, adds unsent-to-history prompts, and follows answers still running", () => {
    const history: Item[] = [
      { kind: "user", key: "m1", text: "first", turnId: "t1" },
      { kind: "assistant", key: "x1", turnId: "t1", text: "answer 1" },
      { kind: "user", key: "m2", text: "second", turnId: "t2" },
    ];
    const live: Item[] = [
      { kind: "user", key: "m2", text: "second" },
      { kind: "assistant", key: "a:m2", clientMsgId: "m2", turnId: "t2", text: "" },
      { kind: "user", key: "m3", text: "third, not stored yet" },
      { kind: "assistant", key: "a:m3", clientMsgId: "m3", text: "" },
    ];
    const { items, running } = merge(history, live);
    expect(items.map((i) => i.key)).toEqual(["m1", "x1", "m2", "a:m2", "m3", "a:m3"]);
    expect(running).toEqual(["t2"]);
  });
});
