import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../api/client";
import { ConversationList } from "./ConversationList";

const now = Date.now();
const conversations: Conversation[] = [
  { id: "c1", title: "Explain hello.py", updatedAt: now, owner: "ann" },
  { id: "c2", title: "Fix the build", updatedAt: now - 86_400_000, owner: "ann", team: "t1" },
  { id: "c3", title: "Deploy notes", updatedAt: now - 40 * 86_400_000, owner: "bob", team: "t1" },
  { id: "c4", title: "", updatedAt: now, owner: "ann" },
];

function setup(activeId: string | null = "c1") {
  const onOpen = vi.fn();
  const onNew = vi.fn();
  render(
    <ConversationList
      conversations={conversations}
      activeId={activeId}
      title="Explain hello.py"
      me="ann"
      onOpen={onOpen}
      onNew={onNew}
    />,
  );
  return { onOpen, onNew, user: userEvent.setup() };
}

const toggle = () => screen.getByRole("button", { name: /^Conversation:/ });
const search = () => screen.getByRole("combobox", { name: "Search conversations" });
const options = () => screen.queryAllByRole("option");
const highlighted = () => document.getElementById(search().getAttribute("aria-activedescendant")!);

describe("the conversation list", () => {
  afterEach(cleanup);

  it("lists titles, dates and who shared one, the search box focused on the open one", async () => {
    const { user } = setup();
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    await user.click(toggle());
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement).toBe(search());
    expect(
      options().map((o) => o.querySelector(".conversation-option-title")!.textContent),
    ).toEqual(["Explain hello.py", "Fix the build", "Deploy notes", "Untitled conversation"]);
    expect(options()[0].textContent).toContain("Today ");
    expect(options()[1].textContent).toContain("Yesterday");
    expect(options()[2].textContent).toContain("shared by bob");
    expect(options()[0].textContent).not.toContain("shared");
    expect(highlighted()).toBe(options()[0]);
    expect(highlighted()!.getAttribute("aria-selected")).toBe("true");
  });

  it("filters by title as the user types, and says when nothing matches", async () => {
    const { user } = setup();
    await user.click(toggle());
    await user.type(search(), "BUILD");
    expect(options().map((o) => o.dataset.conversationId)).toEqual(["c2"]);
    await user.clear(search());
    await user.type(search(), "nothing like this");
    expect(options()).toEqual([]);
    expect(screen.getByText("No conversation matches “nothing like this”.")).toBeTruthy();
  });

  it("arrows move through the matches, Enter opens one and closes the list", async () => {
    const { user, onOpen } = setup();
    await user.click(toggle());
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowUp}");
    expect(highlighted()!.dataset.conversationId).toBe("c2");
    await user.keyboard("{Enter}");
    expect(onOpen).toHaveBeenCalledWith("c2");
    expect(options()).toEqual([]);
    expect(document.activeElement).toBe(toggle());
  });

  it("Escape closes it without opening anything; ArrowDown on the button opens it", async () => {
    const { user, onOpen } = setup();
    toggle().focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(search());
    await user.keyboard("{Escape}");
    expect(options()).toEqual([]);
    expect(document.activeElement).toBe(toggle());
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("a click opens a conversation; the list's own button starts a new one", async () => {
    const { user, onOpen, onNew } = setup();
    await user.click(toggle());
    await user.click(screen.getByText("Deploy notes"));
    expect(onOpen).toHaveBeenCalledWith("c3");
    await user.click(toggle());
    await user.click(screen.getByRole("button", { name: "New conversation" }));
    expect(onNew).toHaveBeenCalledOnce();
  });
});
