// Browser end-to-end steps for issue 18's chat features (item 4 and the chat panel of item 8):
// a conversation titled from its first prompt, the list with search and keyboard, inline rename,
// the delete dialog, the header at 1280 px, axe with the list open, screenshots in both themes.
import { checkA11y } from "../axe.mjs";
import { api, until } from "../stack.mjs";

const toggle = (page) => page.getByRole("button", { name: /^Conversation:/ });
const search = (page) => page.getByRole("combobox", { name: "Search conversations" });
const options = (page) => page.getByRole("listbox", { name: "Conversations" }).getByRole("option");

/** Opens the conversation list (for steps elsewhere that switch conversations). */
export async function showConversations(page) {
  if ((await toggle(page).getAttribute("aria-expanded")) !== "true") await toggle(page).click();
  await search(page).waitFor();
}

/** Opens a conversation by id through the list, as a user would. */
export async function openConversation(page, id) {
  await showConversations(page);
  const option = page.locator(`[role="option"][data-conversation-id="${id}"]`);
  await option.waitFor({ timeout: 15_000 }); // opening the list reloads it from the server
  await option.click();
}

/** How many conversations the list offers (closed again afterwards). */
export async function conversationCount(page) {
  await showConversations(page);
  const n = await options(page).count();
  await page.keyboard.press("Escape");
  return n;
}

/** @param {import("./context.mjs").StepContext} ctx */
export async function chatSteps({ page, base, token, step, shot }) {
  const prompt = "Walk me through hello.py #tokens=6 #gap=10";
  const listed = (title) =>
    options(page).filter({
      has: page.locator(".conversation-option-title", { hasText: title }),
    });

  await step("chat: a new conversation is titled from its first prompt, in the list", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "New conversation" }).first().click();
    await page.getByLabel("Message").fill(`${prompt}\nand anything odd in it`);
    await page.getByLabel("Message").press("Enter");
    await page
      .locator('[data-testid="answer"]')
      .last()
      .and(page.locator('[data-status="done"]'))
      .waitFor({ timeout: 20_000 });
    await toggle(page).filter({ hasText: prompt }).waitFor({ timeout: 10_000 });
    if ((await page.getByText("(this conversation)").count()) > 0)
      throw new Error('"(this conversation)" is still shown');
    await showConversations(page);
    await listed(prompt).waitFor();
    const text = await listed(prompt).innerText();
    if (!/Today \d\d:\d\d/.test(text)) throw new Error(`no date in ${JSON.stringify(text)}`);
    await shot("chat-list");
    await checkA11y(page, "the chat panel with the conversation list open");
  });

  await step("chat: the list filters by title and is driven by the keyboard", async () => {
    await showConversations(page);
    await search(page).fill("walk me THROUGH");
    await listed(prompt).waitFor();
    const all = await options(page).allInnerTexts();
    if (all.some((t) => !t.toLowerCase().includes("walk me through")))
      throw new Error(`the search kept ${JSON.stringify(all)}`);
    await search(page).fill("no conversation is called this");
    await page.getByText("No conversation matches").waitFor();
    await shot("chat-list-search");
    await search(page).fill("");
    await search(page).press("ArrowDown");
    const active = await search(page).getAttribute("aria-activedescendant");
    if (!active || !(await page.locator(`[id="${active}"]`).getAttribute("aria-selected")))
      throw new Error("the arrow moved no highlight");
    await search(page).press("Escape");
    await search(page).waitFor({ state: "detached" });
    if (!(await toggle(page).evaluate((el) => el === document.activeElement)))
      throw new Error("Escape did not give the focus back to the list's button");
  });

  await step("chat: rename inline, and the server keeps the title", async () => {
    await page.getByRole("button", { name: "Rename conversation" }).click();
    const field = page.getByRole("textbox", { name: "Conversation title" });
    await field.fill("hello.py walkthrough");
    await shot("chat-rename");
    await field.press("Enter");
    await toggle(page).filter({ hasText: "hello.py walkthrough" }).waitFor();
    const id = await page.evaluate(() => window.aicoderDebug.conversationId());
    // The list shows the new title at once; the server's copy follows the PATCH.
    await until(
      "the server to keep the new title",
      async () => {
        const list = await (await api(base, token, "/api/conversations?limit=100")).json();
        return list.find((c) => c.id === id)?.title === "hello.py walkthrough";
      },
      10_000,
    );
  });

  await step(
    "chat: delete asks in a dialog; the header fits at 1280 px in both themes",
    async () => {
      await page.getByRole("button", { name: "Delete conversation" }).click();
      const dialog = page.getByRole("dialog", { name: "Delete this conversation?" });
      await dialog.waitFor();
      await shot("chat-delete-dialog");
      await checkA11y(page, "the delete-conversation dialog");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });

      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        const bar = await page.locator(".chat .chat-bar").evaluate((el) => {
          const box = el.getBoundingClientRect();
          const out = [...el.querySelectorAll("button")].filter((b) => {
            const r = b.getBoundingClientRect();
            return r.right > box.right + 1 || r.left < box.left - 1;
          });
          return { overflow: el.scrollWidth - el.clientWidth, outside: out.length };
        });
        if (bar.overflow > 1 || bar.outside)
          throw new Error(`the chat header overflows in ${scheme}: ${JSON.stringify(bar)}`);
        await page.getByRole("button", { name: "Conversation options" }).click();
        await page.getByRole("checkbox", { name: "Reuse answers" }).waitFor();
        await shot(`chat-header-${scheme}`);
        await checkA11y(page, `the chat header with its options open (${scheme})`);
        await page.keyboard.press("Escape");
        await showConversations(page);
        await shot(`chat-list-${scheme}`);
        await checkA11y(page, `the chat panel with the conversation list open (${scheme})`);
        await page.keyboard.press("Escape");
      }
      await page.emulateMedia({ colorScheme: null });
      await page.setViewportSize({ width: 1400, height: 900 });
    },
  );
}
