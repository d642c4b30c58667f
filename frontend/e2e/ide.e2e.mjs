// End to end: the packaged services, a real Redis and the fake model server, driven through
// Debian's Chromium with playwright-core. Started and stopped by this script; run by `make test`
// after the Maven build. Screenshots of the key states go to frontend/e2e/artifacts/.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../..");
const ARTIFACTS = resolve(import.meta.dirname, "artifacts");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PASSWORD = "e2e-admin-password";
const children = [];
const workspaces = mkdtempSync(join(tmpdir(), "aicoder-e2e-"));

function freePort() {
  return new Promise((ok) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function start(name, args, env = {}) {
  const child = spawn("java", args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log = (log + d).slice(-20_000)));
  child.stderr.on("data", (d) => (log = (log + d).slice(-20_000)));
  children.push({ name, child, log: () => log });
  return child;
}

async function until(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ready = (port) => fetch(`http://127.0.0.1:${port}/q/health/ready`).then((r) => r.ok);

async function services() {
  const [redis, model, chat, ai, gateway] = await Promise.all([1, 2, 3, 4, 5].map(freePort));
  const common = {
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis),
    OTEL_EXPORTER_OTLP_ENDPOINT: "",
  };
  start("redis", [
    "-cp",
    "services/local-redis/target/classes:services/local-redis/target/lib/*",
    "dev.aicoder.localredis.LocalRedisMain",
    String(redis),
  ]);
  start("fake-llm", [
    "-cp",
    "benchmarks/chat-latency/target/lib/*",
    "dev.aicoder.fakellm.FakeLlm",
    String(model),
    "50",
    "40",
    "40",
  ]);
  const jar = (service, port, env) =>
    start(
      service,
      [
        "-Xmx256m",
        `-Dquarkus.http.port=${port}`,
        "-jar",
        `services/${service}/target/quarkus-app/quarkus-run.jar`,
      ],
      { ...common, ...env },
    );
  jar("ai-streaming", ai, {
    AI_CODER_LLM_BASE_URL: `http://127.0.0.1:${model}/v1`,
    AI_CODER_LLM_MODEL: "fake",
  });
  jar("chat-websocket", chat, {});
  jar("gateway", gateway, {
    AI_CODER_ADMIN_USER: "admin",
    AI_CODER_ADMIN_PASSWORD: PASSWORD,
    AI_CODER_WORKSPACE_ROOT: workspaces,
    CHAT_WEBSOCKET_URL: `http://127.0.0.1:${chat}`,
    AI_STREAMING_URL: `http://127.0.0.1:${ai}`,
  });
  for (const port of [ai, chat, gateway]) await until(`the service on ${port}`, () => ready(port));
  return `http://127.0.0.1:${gateway}`;
}

async function api(base, token, path, init = {}) {
  const response = await fetch(base + path, {
    ...init,
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...init.headers,
    },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Waits until the file on the server satisfies `check` (autosave is debounced). */
const serverFile = (base, token, url, check, what) =>
  until(what, async () => check(await (await api(base, token, url)).text()), 15_000);

const expected = (n) => Array.from({ length: n }, (_, i) => `t${i} `).join("");

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const base = await services();
  const { token } = await (
    await api(base, null, "/api/auth/login", {
      method: "POST",
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    })
  ).json();
  const team = await (
    await api(base, token, "/api/admin/teams", {
      method: "POST",
      body: JSON.stringify({ name: "e2e" }),
    })
  ).json();
  await api(base, token, `/api/admin/teams/${team.id}/members`, {
    method: "POST",
    body: JSON.stringify({ username: "admin" }),
  });
  const ws = await (
    await api(base, token, "/api/workspaces", {
      method: "POST",
      body: JSON.stringify({ name: "e2e", teamId: team.id }),
    })
  ).json();
  const fileUrl = `/api/workspaces/${ws.id}/file?path=hello.py`;
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
  const step = async (name, body) => {
    const t = Date.now();
    try {
      await body();
      console.log(`ok   ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      await shot(`failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
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

    await step("ask the assistant and watch the answer stream", async () => {
      await page.getByRole("button", { name: "New", exact: true }).click();
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
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="answer"]')]
          .at(-1)
          ?.textContent.includes("t3 "),
      );
      await page.getByRole("button", { name: "Stop" }).click();
      await answer().and(page.locator('[data-status="cancelled"]')).waitFor({ timeout: 10_000 });
      await shot("stopped");
      const text = await answer().locator(".markdown").innerText();
      if (text.includes("t999")) throw new Error("the answer ran to the end");
    });

    await step("a dropped connection mid-answer resumes without duplicates", async () => {
      await ask("Keep going #tokens=120 #gap=25");
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="answer"]')]
          .at(-1)
          ?.textContent.includes("t10 "),
      );
      await page.evaluate(() => window.aicoderDebug.dropConnection());
      await page.getByTestId("connection").filter({ hasText: "open" }).waitFor({ timeout: 15_000 });
      await answer().and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });
      await shot("resumed");
      const text = await answer().locator(".markdown").innerText();
      if (text.trim() !== expected(120).trim())
        throw new Error(`answer was ${JSON.stringify(text)}`);
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
  for (const c of children)
    console.error(`--- ${c.name} (last lines)\n${c.log().split("\n").slice(-15).join("\n")}`);
} finally {
  for (const { child } of children) child.kill();
  rmSync(workspaces, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
