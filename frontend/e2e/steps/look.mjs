// Browser end-to-end steps for the IDE's look and its ways to find things (issue 18 items 1, 3, 6):
// theme switch (Monaco follows), quick open, search to a line, the shortcuts overlay, no overflow
// at 1280 px, no console error or 404 on load, axe on every screen, screenshots in both themes.
import { join } from "node:path";
import { checkA11y } from "../axe.mjs";
import { api, PASSWORD } from "../stack.mjs";

const SIZES = [
  [1280, 800],
  [1920, 1080],
];

/** Elements whose content runs past their own box (the title bar, the chat header, ...). */
const overflowing = (page) =>
  page.evaluate(() => {
    const out = [];
    if (document.documentElement.scrollWidth > innerWidth) out.push("the page");
    for (const sel of [".top-bar", ".chat-bar", ".explorer-bar", ".status-bar", ".side-tabs"]) {
      for (const el of document.querySelectorAll(sel))
        if (el.scrollWidth > el.clientWidth + 1)
          out.push(`${sel} (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return out;
  });

/** @param {import("./context.mjs").StepContext} ctx */
export async function lookSteps({
  page,
  browser,
  base,
  token,
  workspaceId,
  artifacts,
  step,
  shot,
}) {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const setTheme = async (want) => {
    for (let i = 0; i < 3 && (await theme()) !== want; i++)
      await page.getByRole("button", { name: /switch theme/ }).click();
    if ((await theme()) !== want) throw new Error(`theme stays ${await theme()}`);
  };

  await step("look: no console error and no 404 on load", async () => {
    const problems = [];
    const fresh = await browser.newPage();
    fresh.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    fresh.on("response", (r) => r.status() === 404 && problems.push(`404 ${r.url()}`));
    await fresh.goto(base);
    await fresh.getByLabel("User name").waitFor();
    await checkA11y(fresh, "the sign-in screen");
    await fresh.screenshot({ path: join(artifacts, "look-sign-in.png") });
    await fresh.getByLabel("User name").fill("admin");
    await fresh.getByLabel("Password").fill(PASSWORD);
    await fresh.getByRole("button", { name: "Sign in" }).click();
    await fresh.getByRole("treeitem", { name: "hello.py" }).waitFor();
    await fresh
      .getByTestId("status-connection")
      .and(fresh.locator('[data-state="open"]'))
      .waitFor();
    await fresh.close();
    if (problems.length) throw new Error(problems.join("\n"));
  });

  await step("look: the theme switches and Monaco follows", async () => {
    await page.getByRole("treeitem", { name: "hello.py" }).click();
    await page.locator(".monaco .view-lines").waitFor();
    await setTheme("dark");
    await page.locator(".monaco .monaco-editor.vs-dark").waitFor();
    const darkBg = await page.evaluate(
      () => getComputedStyle(document.querySelector(".top-bar")).backgroundColor,
    );
    await setTheme("light");
    await page.locator(".monaco .monaco-editor.vs").waitFor();
    const lightBg = await page.evaluate(
      () => getComputedStyle(document.querySelector(".top-bar")).backgroundColor,
    );
    if (darkBg === lightBg) throw new Error(`the page's background stays ${lightBg}`);
    // The choice outlives a reload.
    await page.reload();
    await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
    if ((await theme()) !== "light") throw new Error("the theme was not remembered");
  });

  await step("look: quick open finds a file by a fuzzy name", async () => {
    await api(base, token, `/api/workspaces/${workspaceId}/file?path=src/deep/quick_target.ts`, {
      method: "PUT",
      headers: { "Content-Type": "text/plain" },
      body: "export const quick = 1;\n",
    });
    await page.locator("body").click({ position: { x: 700, y: 400 } });
    await page.keyboard.press("Control+P");
    const input = page.getByRole("combobox", { name: "File name" });
    await input.waitFor();
    await input.fill("qtarg");
    await page.getByRole("option", { name: /quick_target\.ts/ }).waitFor();
    await checkA11y(page, "quick open");
    await shot("look-quick-open");
    await input.press("Enter");
    await page
      .getByRole("tab", { name: /quick_target\.ts/ })
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
  });

  await step("look: a search result opens the file at its line", async () => {
    const lines = Array.from({ length: 80 }, (_, i) =>
      i === 56 ? "const needle_e2e = 42;" : `// line ${i + 1}`,
    );
    await api(base, token, `/api/workspaces/${workspaceId}/file?path=src/deep/haystack.js`, {
      method: "PUT",
      headers: { "Content-Type": "text/plain" },
      body: lines.join("\n") + "\n",
    });
    await page.keyboard.press("Control+Shift+F");
    const box = page.getByRole("searchbox", { name: "Search in files" });
    await box.waitFor();
    await box.fill("needle_e2e");
    const hit = page.getByTestId("search-hit").first();
    await hit.waitFor();
    if (!(await hit.innerText()).includes("57")) throw new Error(`hit ${await hit.innerText()}`);
    await checkA11y(page, "the search panel");
    await shot("look-search");
    await hit.click();
    await page
      .getByRole("tab", { name: /haystack\.js/ })
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    await page
      .getByTestId("status-cursor")
      .filter({ hasText: "Ln 57" })
      .waitFor({ timeout: 10_000 });
    await page.locator(".monaco .view-lines").filter({ hasText: "needle_e2e" }).waitFor();
    await page.getByRole("tab", { name: "Files" }).click();
  });

  await step("look: the shortcuts overlay opens with F1 and closes with Escape", async () => {
    await page.getByRole("button", { name: "Keyboard shortcuts" }).focus();
    await page.keyboard.press("F1");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    await checkA11y(page, "the shortcuts overlay");
    await shot("look-help");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  await step(
    "look: every screen fits and passes axe in both themes, at 1280 and 1920",
    async () => {
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        for (const t of ["light", "dark"]) {
          await page.goto(`${base}/#`);
          await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
          await setTheme(t);
          await page.getByRole("treeitem", { name: "hello.py" }).click();
          await page.locator(".monaco .view-lines").waitFor();
          const over = await overflowing(page);
          if (over.length) throw new Error(`overflow at ${width}: ${over.join(", ")}`);
          await checkA11y(page, `the IDE (${t}, ${width})`);
          await page.screenshot({ path: join(artifacts, `look-ide-${t}-${width}x${height}.png`) });
          await page.goto(`${base}/#status`);
          await page.getByRole("heading").first().waitFor();
          await checkA11y(page, `the status page (${t})`);
          await page.screenshot({
            path: join(artifacts, `look-status-${t}-${width}x${height}.png`),
          });
          await page.goto(`${base}/#admin`);
          await page.getByRole("heading", { name: "Administration" }).waitFor();
          await page.getByRole("cell", { name: /admin/ }).first().waitFor();
          await checkA11y(page, `the admin page (${t})`);
          await page.screenshot({
            path: join(artifacts, `look-admin-${t}-${width}x${height}.png`),
          });
          await page.goto(`${base}/#performance`);
          await page.locator('[data-testid="perf-chart"] canvas').first().waitFor();
          await checkA11y(page, `the performance page (${t})`);
          await page.screenshot({
            path: join(artifacts, `look-performance-${t}-${width}x${height}.png`),
          });
        }
      }
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(`${base}/#`);
      await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
    },
  );
}
