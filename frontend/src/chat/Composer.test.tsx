import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ideStore } from "../ide/ideStore";
import { Composer } from "./Composer";

const file = (path: string) => ({
  name: path.split("/").at(-1)!,
  path,
  type: "file" as const,
  size: 1,
  modified: 0,
});

describe("the composer's file mentions", () => {
  let onSend: ReturnType<typeof vi.fn<(text: string) => void>>;

  beforeEach(() => {
    ideStore.set((s) => ({
      ...s,
      children: { "": [file("hello.py"), file("help.md")], src: [file("src/helpers.ts")] },
    }));
    onSend = vi.fn<(text: string) => void>();
    render(
      <Composer
        disabledReason={null}
        running={false}
        canRegenerate={false}
        onSend={onSend}
        onStop={() => {}}
        onRegenerate={() => {}}
      />,
    );
  });

  afterEach(() => {
    cleanup();
    ideStore.set((s) => ({ ...s, children: {} }));
  });

  const box = () => screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement;
  const active = () => document.getElementById(box().getAttribute("aria-activedescendant") ?? "");

  it("suggests files in a listbox the arrows move through; Enter takes one instead of sending", async () => {
    const user = userEvent.setup();
    await user.type(box(), "look at @hel");
    const list = screen.getByRole("listbox", { name: "Files to attach" });
    expect(box().getAttribute("aria-controls")).toBe(list.id);
    const paths = screen.getAllByRole("option").map((o) => o.textContent);
    expect(paths).toEqual(["hello.py", "help.md", "src/helpers.ts"]);
    expect(active()!.textContent).toBe("hello.py");

    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(active()!.textContent).toBe("src/helpers.ts");
    expect(active()!.getAttribute("aria-selected")).toBe("true");
    await user.keyboard("{ArrowDown}"); // wraps around
    expect(active()!.textContent).toBe("hello.py");
    await user.keyboard("{ArrowUp}{Enter}");

    expect(box().value).toBe("look at @src/helpers.ts ");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(box().hasAttribute("aria-activedescendant")).toBe(false);
    expect(onSend).not.toHaveBeenCalled();

    await user.keyboard("please{Enter}");
    expect(onSend).toHaveBeenCalledWith("look at @src/helpers.ts please");
    expect(box().value).toBe("");
  });

  it("Escape dismisses the suggestions and Enter then sends", async () => {
    const user = userEvent.setup();
    await user.type(box(), "@hel");
    expect(screen.getByRole("listbox")).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).toBeNull();
    await user.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith("@hel");
  });
});
