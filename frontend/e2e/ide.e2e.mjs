// End to end: the packaged services, a real Redis and the fake model server, driven through
// Debian's Chromium with playwright-core. Started and stopped by this script; run by `make test`
// after the Maven build. Screenshots of the key states go to frontend/e2e/artifacts/.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import {
  adminWorkspace,
  api,
  CHROMIUM,
  logs,
  PASSWORD,
  services,
  SSO_USER,
  stopAll,
  until,
} from "./stack.mjs";
import { adminSteps } from "./steps/admin.mjs";
import { chatSteps, conversationCount, openConversation } from "./steps/chat.mjs";
import { filesSteps } from "./steps/files.mjs";
import { lookSteps } from "./steps/look.mjs";

const ARTIFACTS = resolve(import.meta.dirname, "artifacts");
/** Runs only the steps whose name starts with one of these (e.g. E2E_ONLY="edit|a conflicting"). */
const ONLY = (process.env.E2E_ONLY ?? "").split("|").filter(Boolean);

/** Waits until the file on the server satisfies `check` (autosave is debounced). */
const serverFile = (base, token, url, check, what) =>
  until(what, async () => check(await (await api(base, token, url)).text()), 15_000);

/** Waits until the newest answer is streaming and shows `text`. */
const streamingWith = (page, text) =>
  page.waitForFunction((t) => {
    const a = [...document.querySelectorAll('[data-testid="answer"]')].at(-1);
    return a?.dataset.status === "streaming" && a.textContent.includes(t);
  }, text);

const expected = (n) => Array.from({ length: n }, (_, i) => `t${i} `).join("");

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const base = await services({
    // A closed port: the page must show it dead while the others keep updating.
    extraTargets: ["ghost=http://127.0.0.1:1/q/metrics"],
    // Any CPU use crosses this, so a CPU alert goes pending and then fires within seconds.
    metricsEnv: { AI_CODER_METRICS_CPU_WARNING: "0.0001", AI_CODER_METRICS_ALERT_FOR: "2s" },
  });
  const { token, expiresAt, workspaceId } = await adminWorkspace(base);
  const fileUrl = `/api/workspaces/${workspaceId}/file?path=hello.py`;
  await api(base, token, fileUrl, {
    method: "PUT",
    headers: { "Content-Type": "text/plain" },
    body: "print('hello')\n",
  });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("dialog", (d) => d.accept());
  const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const step = async (name, body, on = page) => {
    if (ONLY.length && name !== "sign in" && !ONLY.some((o) => name.startsWith(o))) return;
    const t = Date.now();
    try {
      await body();
      console.log(`ok   ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      await on
        .screenshot({ path: join(ARTIFACTS, `failed-${name.replace(/\W+/g, "-")}.png`) })
        .catch(() => {});
      throw new Error(`${name}: ${e.message}`);
    }
  };
  const answer = () => page.locator('[data-testid="answer"]').last();
  const ask = async (text) => {
    await page.getByLabel("Message").fill(text);
    await page.getByLabel("Message").press("Enter");
  };

  try {
    await step("sign in", async () => {
      await page.goto(base);
      await page.getByLabel("User name").fill("admin");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
      await shot("signed-in");
    });

    await step("edit, autosave, reload and see the edit", async () => {
      await page.getByRole("treeitem", { name: "hello.py" }).click();
      await page.locator(".monaco .view-lines").waitFor();
      await page.locator(".monaco .view-lines").click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("print('edited')");
      await serverFile(base, token, fileUrl, (t) => t.includes("print('edited')"), "the autosave");
      await page.getByTestId("save-state").filter({ hasText: "Saved" }).waitFor();
      await shot("saved");
      await page.evaluate(() => localStorage.clear()); // no drafts: what shows comes from the server
      await page.reload();
      await page.getByRole("treeitem", { name: "hello.py" }).click();
      await page.locator(".monaco .view-lines").filter({ hasText: "print('edited')" }).waitFor();
    });

    await step("a conflicting edit shows the conflict view", async () => {
      const current = await api(base, token, fileUrl);
      await api(base, token, fileUrl, {
        method: "PUT",
        headers: { "Content-Type": "text/plain", "If-Match": current.headers.get("ETag") },
        body: "print('from a colleague')\n",
      });
      await page.locator(".monaco .view-lines").click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("# mine");
      await page.getByTestId("conflict").waitFor({ timeout: 10_000 });
      await shot("conflict");
      await page.getByRole("button", { name: "Keep mine" }).click();
      await serverFile(base, token, fileUrl, (t) => t.includes("# mine"), "mine saved over theirs");
    });

    await step("a draft edited from an older version opens the conflict view", async () => {
      // The edit stays a local draft: its saves do not get through.
      const helloPut = (url) => url.pathname.endsWith("/file") && url.search === "?path=hello.py";
      const refusePut = (route) =>
        route.request().method() === "PUT" ? route.abort() : route.continue();
      await page.route(helloPut, refusePut);
      await page.locator(".monaco .view-lines").click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("# draft");
      await page.getByTestId("save-state").locator(".error").waitFor({ timeout: 10_000 });
      // Meanwhile a teammate saves a newer version.
      const teammate = "print('newer, from a teammate')\n";
      const current = await api(base, token, fileUrl);
      await api(base, token, fileUrl, {
        method: "PUT",
        headers: { "Content-Type": "text/plain", "If-Match": current.headers.get("ETag") },
        body: teammate,
      });
      await page.unroute(helloPut, refusePut);
      await page.reload();
      await page.getByRole("treeitem", { name: "hello.py" }).click();
      await page.getByTestId("conflict").waitFor({ timeout: 10_000 });
      await shot("stale-draft");
      const onServer = await (await api(base, token, fileUrl)).text();
      if (onServer !== teammate) throw new Error(`the draft overwrote the file: ${onServer}`);
      await page.getByRole("button", { name: "Take theirs" }).click();
      await page.getByTestId("save-state").filter({ hasText: "Saved" }).waitFor();
    });

    await step("a sign-in link this tab did not start is ignored", async () => {
      const forged = new URLSearchParams({
        sso: "forged-token",
        username: "mallory",
        role: "admin",
        expiresAt: String(Date.now() + 3_600_000),
      });
      await page.goto("about:blank");
      await page.goto(`${base}/#${forged}`);
      await page.getByRole("status").filter({ hasText: "did not start" }).waitFor();
      await page.locator(".top-bar").getByText("admin", { exact: true }).waitFor();
      if (page.url().includes("sso=")) throw new Error(`the fragment stayed: ${page.url()}`);
      if ((await page.getByText("mallory").count()) > 0) throw new Error("mallory got in");
      await page.getByRole("button", { name: "Dismiss" }).click();
      await page.getByRole("treeitem", { name: "hello.py" }).click(); // open again for "Apply"
      await page.locator(".monaco .view-lines").waitFor();
    });

    await step("ask the assistant and watch the answer stream", async () => {
      await page.getByRole("button", { name: "New conversation" }).click();
      await ask("Explain hello.py #tokens=80 #gap=40");
      await page.waitForFunction(() => {
        const a = [...document.querySelectorAll('[data-testid="answer"]')].at(-1);
        return a?.dataset.status === "streaming" && a.textContent.includes("t5 ");
      });
      await shot("streaming");
      await answer().and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
      const text = await answer().locator(".markdown").innerText();
      if (text.trim() !== expected(80).trim())
        throw new Error(`answer was ${JSON.stringify(text)}`);
    });

    await step("Stop stops the answer", async () => {
      await ask("A long one #tokens=1000 #gap=30");
      await streamingWith(page, "t3 ");
      await page.getByRole("button", { name: "Stop" }).click();
      await answer().and(page.locator('[data-status="cancelled"]')).waitFor({ timeout: 10_000 });
      await shot("stopped");
      const text = await answer().locator(".markdown").innerText();
      if (text.includes("t999")) throw new Error("the answer ran to the end");
    });

    await step("a dropped connection mid-answer resumes without duplicates", async () => {
      await ask("Keep going #tokens=120 #gap=25");
      await streamingWith(page, "t10 ");
      await page.evaluate(() => window.aicoderDebug.dropConnection());
      await page.getByTestId("connection").filter({ hasText: "open" }).waitFor({ timeout: 15_000 });
      await answer().and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });
      await shot("resumed");
      const text = await answer().locator(".markdown").innerText();
      if (text.trim() !== expected(120).trim())
        throw new Error(`answer was ${JSON.stringify(text)}`);
    });

    await step("a second tab on the same conversation follows the answer", async () => {
      const session = await page.evaluate(() => sessionStorage.getItem("aicoder.session"));
      const conversation = await page.evaluate(() => window.aicoderDebug.conversationId());
      const tab = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const second = await tab.newPage();
      await second.addInitScript((s) => sessionStorage.setItem("aicoder.session", s), session);
      await second.goto(base);
      await openConversation(second, conversation);
      await second.getByText("Keep going #tokens=120").waitFor();
      await ask("Both tabs see this #tokens=30 #gap=30");
      await second.getByText("Both tabs see this").waitFor({ timeout: 20_000 });
      await second.waitForFunction(
        () => {
          const a = [...document.querySelectorAll('[data-testid="answer"]')].at(-1);
          return a?.dataset.status === "done" && a.textContent.trim().endsWith("t29");
        },
        null,
        { timeout: 20_000 },
      );
      const mirrored = second.locator('[data-testid="answer"]').last();
      const text = await mirrored.locator(".markdown").innerText();
      await second.screenshot({ path: join(ARTIFACTS, "second-tab.png") });
      await tab.close();
      if (text.trim() !== expected(30).trim())
        throw new Error(`the second tab shows ${JSON.stringify(text)}`);
    });

    await step("a teammate follows a conversation shared with the team", async () => {
      const me = await (await api(base, token, "/api/me")).json();
      const post = (path, body) =>
        api(base, token, path, { method: "POST", body: JSON.stringify(body) });
      await post("/api/admin/users", {
        username: "mate",
        password: "mate-password",
        role: "member",
      });
      await post(`/api/admin/teams/${me.teams[0].id}/members`, { username: "mate" });
      await page.getByRole("button", { name: "Share" }).click();
      await page.getByRole("button", { name: "Unshare" }).waitFor();
      const mate = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await mate.goto(base);
      await mate.getByLabel("User name").fill("mate");
      await mate.getByLabel("Password").fill("mate-password");
      await mate.getByRole("button", { name: "Sign in" }).click();
      const conversation = await page.evaluate(() => window.aicoderDebug.conversationId());
      await openConversation(mate, conversation);
      await mate.getByText("Both tabs see this").first().waitFor();
      if (!(await mate.getByLabel("Message").isDisabled()))
        throw new Error("a teammate could type into someone else's conversation");
      await ask("For the team #tokens=20 #gap=30");
      await mate.getByText("For the team").waitFor({ timeout: 20_000 });
      await mate.waitForFunction(
        () => {
          const a = [...document.querySelectorAll('[data-testid="answer"]')].at(-1);
          return a?.dataset.status === "done" && a.textContent.trim().endsWith("t19");
        },
        null,
        { timeout: 20_000 },
      );
      const text = await mate
        .locator('[data-testid="answer"]')
        .last()
        .locator(".markdown")
        .innerText();
      await mate.screenshot({ path: join(ARTIFACTS, "teammate.png") });
      await mate.close();
      if (text.trim() !== expected(20).trim())
        throw new Error(`the teammate sees ${JSON.stringify(text)}`);
    });

    await step("apply a code block through the diff view", async () => {
      await ask("Rewrite it #code #tokens=5 #gap=10");
      await answer().and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 });
      await answer().getByRole("button", { name: "Apply" }).click();
      await page.getByTestId("proposal").waitFor();
      await shot("proposal");
      await page.getByRole("button", { name: "Accept" }).click();
      await serverFile(base, token, fileUrl, (t) => t === expected(5), "the applied change");
    });

    // Each feature's steps (steps/*.mjs), signed in as the admin with hello.py open.
    const ctx = { page, browser, base, token, workspaceId, artifacts: ARTIFACTS, step, shot };
    const conversation = await page.evaluate(() => window.aicoderDebug.conversationId());
    for (const steps of [filesSteps, chatSteps, lookSteps, adminSteps]) await steps(ctx);
    if (!ONLY.length) {
      // Back to where the steps before them left off: hello.py and the answered conversation.
      await page.goto(base);
      await page.getByRole("treeitem", { name: "hello.py" }).click();
      await openConversation(page, conversation);
    }

    await step("the next user on the tab sees nothing of the last one", async () => {
      await api(base, token, "/api/admin/users", {
        method: "POST",
        body: JSON.stringify({ username: "bob", password: "bob-password", role: "member" }),
      });
      // The admin has a workspace, a file and a conversation with answers open, and types.
      await page.getByRole("treeitem", { name: "hello.py" }).waitFor();
      await answer().and(page.locator('[data-status="done"]')).waitFor();
      await page.locator(".monaco .view-lines").click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("# last edit");
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("User name").waitFor();
      await serverFile(
        base,
        token,
        fileUrl,
        (t) => t.includes("# last edit"),
        "the save at sign-out",
      );
      const left = await page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith("aicoder.draft.")),
      );
      if (left.length) throw new Error(`drafts left after sign-out: ${left}`);

      const loaded = Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === "/api/workspaces"),
        page.waitForResponse((r) => new URL(r.url()).pathname === "/api/conversations"),
      ]);
      await page.getByLabel("User name").fill("bob");
      await page.getByLabel("Password").fill("bob-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(".top-bar").getByText("bob", { exact: true }).waitFor();
      await loaded;
      await page.getByTestId("connection").filter({ hasText: "open" }).waitFor();
      await shot("next-user");
      const text = await page.evaluate(() => document.body.innerText);
      const seen = {
        files: await page.getByRole("treeitem").count(),
        tabs: await page.getByRole("tablist", { name: "Open files" }).getByRole("tab").count(),
        answers: await page.getByTestId("answer").count(),
        conversation: await page.evaluate(() => window.aicoderDebug.conversationId()),
        conversations: await conversationCount(page),
        workspace: await page.getByLabel("Workspace", { exact: true }).inputValue(),
        text: ["hello.py", "Both tabs see this", "For the team"].filter((t) => text.includes(t)),
      };
      const clean = {
        files: 0,
        tabs: 0,
        answers: 0,
        conversation: null,
        conversations: 0,
        workspace: "",
        text: [],
      };
      if (JSON.stringify(seen) !== JSON.stringify(clean))
        throw new Error(`bob sees the admin's things: ${JSON.stringify(seen)}`);
    });

    await step("single sign-on through the identity provider, its answer good once", async () => {
      const sso = await browser.newPage();
      let landed = null;
      sso.on("framenavigated", (frame) => {
        if (frame === sso.mainFrame() && frame.url().includes("#sso=")) landed ??= frame.url();
      });
      await sso.goto(base);
      await sso.getByRole("link", { name: "Sign in with single sign-on" }).click();
      const signedIn = sso.locator(".top-bar").getByText(SSO_USER);
      await signedIn.or(sso.getByRole("status")).waitFor();
      if (!(await signedIn.isVisible())) {
        await sso.screenshot({ path: join(ARTIFACTS, "sso-refused.png") });
        throw new Error(`the answer was refused: ${await sso.getByRole("status").innerText()}`);
      }
      if (sso.url().includes("sso=")) throw new Error(`the token stayed in the URL: ${sso.url()}`);
      // The same answer again (a replayed link) is refused; the session stays as it is.
      if (!landed) throw new Error("no #sso= answer was seen");
      await sso.evaluate(() => sessionStorage.removeItem("aicoder.session"));
      await sso.goto("about:blank");
      await sso.goto(landed);
      await sso.getByRole("status").filter({ hasText: "did not start" }).waitFor();
      await sso.getByLabel("User name").waitFor();
      await sso.close();
    });

    // The performance page, in a tab of its own with the admin's session (the one above was
    // signed out): reached from the IDE's header, live values, charts, alerts, a dead target.
    const perfContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await perfContext.addInitScript(
      (session) => sessionStorage.setItem("aicoder.session", JSON.stringify(session)),
      { token, username: "admin", role: "admin", expiresAt },
    );
    const perf = await perfContext.newPage();
    /** The values of the services' rows (not the dead one's, not the browsers'), by cell. */
    const liveValues = () =>
      perf.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('[data-testid="perf-value"]:not([data-instance])')]
            .filter((c) => !["browser", "ghost"].includes(c.dataset.service))
            .map((c) => [`${c.dataset.service}/${c.dataset.figure}`, c.dataset.value]),
        ),
      );
    /** Waits until some of the live values differ from `before`. */
    const valuesChange = (before) =>
      until(
        "the live values to change",
        async () => {
          const now = await liveValues();
          return Object.keys(now).some((k) => k in before && now[k] !== before[k]);
        },
        20_000,
      );

    await step(
      "performance: the admin opens the page from the IDE's header and sees live values change",
      async () => {
        await perf.goto(base);
        await perf.getByRole("link", { name: "Performance" }).click();
        await perf
          .locator('[data-testid="perf-value"][data-service="gateway"][data-figure="cpu"]')
          .waitFor({ timeout: 30_000 });
        await valuesChange(await liveValues());
        const gatewayCpu = perf.locator(
          '[data-testid="perf-value"][data-service="gateway"][data-figure="cpu"]',
        );
        await perf.waitForFunction(
          (cell) => cell.dataset.value !== "",
          await gatewayCpu.elementHandle(),
          { timeout: 20_000 },
        );
      },
      perf,
    );

    await step(
      "performance: a chart per figure draws on a canvas",
      async () => {
        await perf.locator('[data-testid="perf-chart"][data-figure="cpu"] canvas').waitFor();
        const charts = await perf.locator('[data-testid="perf-chart"] canvas').count();
        if (charts < 2) throw new Error(`only ${charts} charts with a canvas`);
        await perf.getByRole("button", { name: "15m" }).click();
        await perf.locator('[data-testid="perf-chart"][data-figure="cpu"] canvas').waitFor();
      },
      perf,
    );

    await step(
      "performance: the CPU threshold fires an alert",
      async () => {
        await perf
          .locator('[data-testid="perf-alert"][data-state="firing"]')
          .first()
          .waitFor({ timeout: 30_000 });
        const severity = await perf
          .locator('[data-testid="perf-alert"][data-state="firing"]')
          .first()
          .getAttribute("data-severity");
        if (!["warning", "critical"].includes(severity)) throw new Error(`severity ${severity}`);
        await perf.screenshot({ path: join(ARTIFACTS, "performance.png"), fullPage: true });
      },
      perf,
    );

    await step(
      "performance: the dead target is marked and the others keep updating",
      async () => {
        const ghost = perf.locator('[data-testid="perf-target"][data-service="ghost"]');
        await ghost.and(perf.locator('[data-up="false"]')).waitFor({ timeout: 20_000 });
        const error = await ghost.locator(".perf-error").innerText();
        if (!error.trim()) throw new Error("the dead target shows no error");
        const up = await perf.locator('[data-testid="perf-target"][data-up="true"]').count();
        if (up < 5) throw new Error(`only ${up} targets up`);
        await valuesChange(await liveValues());
      },
      perf,
    );

    await step(
      "performance: the browser's own numbers appear next to the server's",
      async () => {
        // The IDE and this page report after they are idle (at most once per 30 s each).
        await perf
          .locator('[data-testid="perf-value"][data-service="browser"]')
          .first()
          .waitFor({ timeout: 45_000 });
        await perf.screenshot({ path: join(ARTIFACTS, "performance.png"), fullPage: true });
      },
      perf,
    );
    await perfContext.close();
  } finally {
    await browser.close();
  }
}

let failed = false;
try {
  await main();
  console.log("End-to-end: all steps passed.");
} catch (e) {
  failed = true;
  console.error(`End-to-end FAILED: ${e.message}`);
  console.error(logs());
} finally {
  stopAll();
}
process.exit(failed ? 1 : 0);
