import { describe, expect, it } from "vitest";
import { sseParser, type SseEvent } from "./sse";

const parse = (chunks: string[]) => {
  const out: SseEvent[] = [];
  const push = sseParser((e) => out.push(e));
  chunks.forEach(push);
  return out;
};

describe("the Server-Sent Events parser", () => {
  it("reads named events with multi-line data and skips comments", () => {
    const events = parse([': ping\n\nevent: snapshot\ndata: {"a":\ndata: 1}\n\n']);
    expect(events).toEqual([{ event: "snapshot", data: '{"a":\n1}', id: undefined }]);
  });

  it("joins events split anywhere across chunks, CRLF included", () => {
    const text = "event: snapshot\r\ndata: one\r\n\r\nid: 7\r\ndata:two\r\n\r\n";
    for (let cut = 1; cut < text.length; cut++) {
      const events = parse([text.slice(0, cut), text.slice(cut)]);
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ["snapshot", "one"],
        ["message", "two"],
      ]);
      expect(events[1].id).toBe("7");
    }
  });

  it("does not emit an event before its blank line or one without data", () => {
    expect(parse(["event: snapshot\n\n", "data: x\n"])).toEqual([]);
  });

  it("treats a lone CR as a line end", () => {
    expect(parse(["data: a\r\rdata: b\r", "\r"]).map((e) => e.data)).toEqual(["a", "b"]);
  });
});
