import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MessageList } from "./MessageList";

// jsdom lays nothing out: every element is 100 px high and the list 600 px.
vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(100);
afterEach(cleanup);

const items = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, text: `Message ${i}` }));

describe("MessageList", () => {
  it("renders items in a log and asks for older ones near the top", () => {
    const onTop = vi.fn();
    render(
      <MessageList
        items={items}
        keyOf={(m) => m.id}
        render={(m) => <p>{m.text}</p>}
        onTop={onTop}
      />,
    );
    const log = screen.getByRole("log");
    // Only those near the viewport are in the DOM.
    expect(screen.getByText("Message 0")).toBeTruthy();
    expect(screen.queryByText("Message 29")).toBeNull();
    fireEvent.scroll(log, { target: { scrollTop: 2400 } });
    expect(screen.getByText("Message 29")).toBeTruthy();
    expect(screen.queryByText("Message 0")).toBeNull();
    expect(onTop).not.toHaveBeenCalled();
    fireEvent.scroll(log, { target: { scrollTop: 0 } });
    expect(onTop).toHaveBeenCalled();
  });
});
