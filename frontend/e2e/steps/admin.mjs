// Browser end-to-end steps for issue 18's admin features; run by ide.e2e.mjs, signed in as the admin.
import { checkA11y } from "../axe.mjs";

const USER = "ada";
const PASSWORD = "ada-password";

/** Signs in on a fresh page of its own browser context (its own sessionStorage). */
async function signInElsewhere(browser, base, username, password) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return { context, page };
}

/** @param {import("./context.mjs").StepContext} ctx */
export async function adminSteps(ctx) {
  const { page, browser, base, token, workspaceId, step, shot } = ctx;
  const call = (path, init = {}) =>
    fetch(new URL(path, base), {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
  const workspace = (await (await call("/api/workspaces")).json()).find(
    (w) => w.id === workspaceId,
  );
  const team = (await (await call("/api/admin/teams")).json()).find(
    (t) => t.id === workspace.teamId,
  );
  /** @type {{ context: import("playwright-core").BrowserContext, page: import("playwright-core").Page } | null} */
  let ada = null;

  try {
    await step("admin page: create a user and add them to a team", async () => {
      await page.evaluate(() => (location.hash = "#admin"));
      await page.getByRole("heading", { name: "Administration" }).waitFor();
      await page.getByRole("row", { name: /^admin/ }).waitFor();
      await checkA11y(page, "admin page, users");
      await shot("admin-users");

      const form = page.getByRole("form", { name: "Create a user" });
      await form.getByLabel("User name").fill(USER);
      await form.getByLabel("Password").fill(PASSWORD);
      await form.getByLabel("Role").selectOption("member");
      await form.getByRole("button", { name: "Create user" }).click();
      await page.getByRole("row", { name: new RegExp(`^${USER}`) }).waitFor();
      await page
        .getByRole("status")
        .filter({ hasText: `Created user ${USER}.` })
        .waitFor();

      await page.getByRole("tab", { name: "Teams" }).click();
      await page.getByLabel(`User to add to ${team.name}`).selectOption(USER);
      const card = page
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: team.name }) });
      await card.getByRole("button", { name: "Add member" }).click();
      await page
        .getByRole("list", { name: `Members of ${team.name}` })
        .getByText(USER)
        .waitFor();
      await checkA11y(page, "admin page, teams");
      await shot("admin-teams");

      await page.getByRole("tab", { name: "Workspaces" }).click();
      await page
        .getByRole("list", { name: `Workspaces of ${team.name}` })
        .getByText(workspace.name)
        .waitFor();
      await checkA11y(page, "admin page, workspaces");
      await shot("admin-workspaces");
      // The dark theme (it follows the OS unless switched) must read as well.
      await page.emulateMedia({ colorScheme: "dark" });
      await page.getByRole("tab", { name: "Users" }).click();
      await checkA11y(page, "admin page, users, dark");
      await shot("admin-users-dark");
      await page.emulateMedia({ colorScheme: null });
    });

    await step("admin: the new user signs in and sees the team's workspace", async () => {
      ada = await signInElsewhere(browser, base, USER, PASSWORD);
      await ada.page.getByRole("treeitem", { name: "hello.py" }).waitFor();
      const shown = await ada.page.getByLabel("Workspace", { exact: true }).inputValue();
      if (shown !== workspaceId)
        throw new Error(`${USER} sees workspace ${shown}, not ${workspaceId}`);
      await ada.page.screenshot({ path: `${ctx.artifacts}/admin-new-user.png` });
    });

    await step("admin: disabling a user ends their session at their next request", async () => {
      if (!ada) throw new Error("the previous step did not sign the user in");
      await page.getByRole("tab", { name: "Users" }).click();
      const row = page.getByRole("row", { name: new RegExp(`^${USER}`) });
      await row.getByRole("button", { name: `Disable ${USER}` }).click();
      await row.getByText("Disabled").waitFor();
      await row.getByRole("button", { name: `Enable ${USER}` }).waitFor();
      await shot("admin-disabled");

      // Their next request (opening a file) is refused and the tab goes back to sign-in. The chat
      // socket's token check (every 5 s) may sign the tab out first, and then there is no file to
      // click: either way the session must end within seconds.
      const opened = ada.page
        .getByRole("treeitem", { name: "hello.py" })
        .click({ timeout: 10_000 })
        .catch(() => {}); // gone already: the sign-in below is what counts
      await ada.page.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 10_000 });
      await opened;
      await ada.page.getByLabel("User name").fill(USER);
      await ada.page.getByLabel("Password").fill(PASSWORD);
      await ada.page.getByRole("button", { name: "Sign in" }).click();
      await ada.page.getByText(/is disabled/).waitFor();
      await ada.page.screenshot({ path: `${ctx.artifacts}/admin-disabled-sign-in.png` });
    });

    await step("admin first run: a new admin makes a team, a workspace, and opens it", async () => {
      await call("/api/admin/users", {
        method: "POST",
        body: JSON.stringify({
          username: "newadmin",
          password: "newadmin-password",
          role: "admin",
        }),
      });
      const fresh = await signInElsewhere(browser, base, "newadmin", "newadmin-password");
      try {
        const p = fresh.page;
        await p.getByRole("heading", { name: "Welcome to AI-Coder" }).waitFor();
        await checkA11y(p, "first-run screen");
        await p.screenshot({ path: `${ctx.artifacts}/admin-first-run.png` });
        await p.getByLabel("Team name").fill("Platform");
        await p.getByRole("button", { name: "Create team" }).click();
        await p.getByLabel("Workspace name").fill("platform-api");
        await p.getByRole("button", { name: "Create workspace" }).click();
        await p.getByRole("button", { name: "Open platform-api" }).waitFor();
        await checkA11y(p, "first-run screen, last step");
        await p.screenshot({ path: `${ctx.artifacts}/admin-first-run-done.png` });
        await p.getByRole("button", { name: "Open platform-api" }).click();
        await p
          .getByRole("heading", { name: "Welcome to AI-Coder" })
          .waitFor({ state: "detached" });
        const shown = await p
          .getByLabel("Workspace", { exact: true })
          .locator("option:checked")
          .innerText();
        if (shown.trim() !== "platform-api") throw new Error(`the IDE opened ${shown}`);
      } finally {
        await fresh.context.close();
      }
    });
  } finally {
    await ada?.context.close();
    // Back to the IDE for the steps after these.
    if ((await page.evaluate(() => location.hash)) === "#admin") {
      await page.evaluate(() => (location.hash = ""));
      await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
    }
  }
}
