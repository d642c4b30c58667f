import { act, cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CodeView } from "./CodeView";

// Monaco's tokenizers need a browser; this stand-in marks every "let" as a keyword.
vi.mock("../monaco/highlight", () => ({
  highlight: async (code: string) =>
    code
      .split("\n")
      .map((line) =>
        line.split(/(let)/).map((text) => ({ text, kind: text === "let" ? "keyword" : "" })),
      ),
}));

afterEach(cleanup);

describe("CodeView", () => {
  it("keeps highlighting a block while it streams", async () => {
    vi.useFakeTimers();
    try {
      const { container, rerender } = render(<CodeView code="let a" lang="js" live />);
      await act(() => vi.runAllTimersAsync());
      expect(container.querySelectorAll(".tok-keyword")).toHaveLength(1);

      // New tokens show at once, as plain text after the highlighted part.
      rerender(<CodeView code={"let a = 1;\nlet b"} lang="js" live />);
      expect(container.textContent).toBe("let a = 1;\nlet b");
      expect(container.querySelectorAll(".tok-keyword")).toHaveLength(1);

      // The next pass, a moment later, colours them too.
      await act(() => vi.advanceTimersByTimeAsync(200));
      expect(container.querySelectorAll(".tok-keyword")).toHaveLength(2);
      expect(container.textContent).toBe("let a = 1;\nlet b");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows plain text for a block without a language", () => {
    const { container } = render(<CodeView code="let a" lang="" live={false} />);
    expect(container.innerHTML).toBe("<code>let a</code>");
  });
});
