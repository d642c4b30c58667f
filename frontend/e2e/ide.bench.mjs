// Benchmark of the IDE in headless Chromium (prints figures; not a test): first-load JavaScript,
// time until the explorer is interactive, frame times while scrolling a 10,000-entry tree and a
// 1,000-message conversation, and the time from a token arriving on the socket to its paint.
// Run through benchmarks/ide/run.sh, which builds what it needs first.
import { openConversation } from "./steps/chat.mjs";
import { writeFileSync, mkdirSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  adminWorkspace,
  CHROMIUM,
  logs,
  ms,
  pct,
  services,
  stackPorts,
  stopAll,
  workspaces,
} from "./stack.mjs";

/** Sends Redis commands over RESP; each of these answers one integer line. */
function redis(port, commands) {
  return new Promise((ok, fail) => {
    const socket = new Socket();
    let received = "";
    socket.on("data", (d) => {
      received += d;
      if (received.includes("-ERR")) fail(new Error(received));
      else if (received.split("\r\n").length - 1 >= commands.length) socket.end(ok);
    });
    socket.on("error", fail);
    socket.connect(port, "127.0.0.1", () =>
      socket.write(
        commands
          .map(
            (c) =>
              `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(""),
          )
          .join(""),
      ),
    );
  });
}

/** Per-frame durations while `scroll` moves an element a step each frame for `frames` frames. */
async function frameTimes(page, selector, frames, stepPx) {
  return page.evaluate(
    ({ selector, frames, stepPx }) =>
      new Promise((done) => {
        const el = document.querySelector(selector);
        const times = [];
        let last = performance.now();
        let n = 0;
        const tick = (now) => {
          times.push(now - last);
          last = now;
          el.scrollTop += stepPx;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) el.scrollTop = 0;
          if (++n < frames) requestAnimationFrame(tick);
          else done(times.slice(1));
        };
        requestAnimationFrame(tick);
      }),
    { selector, frames, stepPx },
  );
}

async function main() {
  const base = await services();
  const { token, expiresAt, workspaceId } = await adminWorkspace(base);
  // 10,000 files in the workspace root.
  const folder = join(workspaces, workspaceId);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < 10_000; i++)
    writeFileSync(join(folder, `file-${String(i).padStart(5, "0")}.txt`), "x");
  // A conversation of 1,000 messages.
  const conversation = crypto.randomUUID();
  const now = Date.now();
  const commands = [
    [
      "HSET",
      `aicoder:conv:${conversation}`,
      "owner",
      "admin",
      "createdAt",
      `${now}`,
      "updatedAt",
      `${now}`,
      "title",
      "Long one",
      "appended",
      "1000",
    ],
  ];
  for (let i = 0; i < 1000; i++) {
    const user = i % 2 === 0;
    const text = user
      ? `Question ${i}: how do I refactor this?`
      : `Answer ${i}.\n\nHere is some **bold** text and code:\n\n\`\`\`ts\nconst x${i} = ${i};\n\`\`\``;
    commands.push([
      "RPUSH",
      `aicoder:conv:${conversation}:messages`,
      JSON.stringify({
        id: `m${i}`,
        turnId: `t${i >> 1}`,
        role: user ? "user" : "assistant",
        text,
        status: user ? undefined : "done",
        createdAtMs: now + i,
      }),
    ]);
  }
  commands.push(["ZADD", "aicoder:user:admin:conversations", `${now}`, conversation]);
  await redis(stackPorts.redis, commands);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  // One visit first so the measured one meets a warmed-up server (JIT) but a cold browser cache.
  const warm = await browser.newContext();
  await warm.addInitScript(
    (session) => sessionStorage.setItem("aicoder.session", JSON.stringify(session)),
    { token, username: "admin", role: "admin", expiresAt },
  );
  const warmPage = await warm.newPage();
  for (let i = 0; i < 3; i++) {
    await warmPage.goto(base);
    await warmPage.getByRole("treeitem", { name: "file-00000.txt" }).waitFor({ timeout: 60_000 });
  }
  await warm.close();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(
    ({ session }) => {
      sessionStorage.setItem("aicoder.session", JSON.stringify(session));
      // Timestamps of delta frames as they arrive on the socket.
      window.__deltas = [];
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener("message", (e) => {
            if (typeof e.data === "string" && e.data.includes('"delta"')) {
              const f = JSON.parse(e.data);
              window.__deltas.push({ at: performance.now(), text: f.text });
            }
          });
        }
      };
    },
    { session: { token, username: "admin", role: "admin", expiresAt } },
  );
  const page = await context.newPage();
  const results = [];

  // First load and time to an interactive explorer (10,000 entries, 10 pages).
  await page.goto(base);
  await page.getByRole("treeitem", { name: "file-00000.txt" }).waitFor({ timeout: 60_000 });
  const interactive = await page.evaluate(() => performance.now());
  const js = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .concat(performance.getEntriesByType("navigation"))
      .filter((e) => e.name.endsWith(".js"))
      .reduce((sum, e) => sum + e.encodedBodySize, 0),
  );
  results.push(["first-load JavaScript transferred (brotli)", `${(js / 1024).toFixed(1)} KB`]);
  results.push(["explorer interactive after navigation (10,000 entries)", ms(interactive)]);

  const tree = await frameTimes(page, ".tree", 240, 60);
  results.push(["tree scroll frame time p50 / p95", `${ms(pct(tree, 50))} / ${ms(pct(tree, 95))}`]);

  // The 1,000-message conversation: load every page by scrolling up, then scroll through it.
  // Frame times at 60 Hz hide how much work a frame took, so the main thread's own time
  // (Chrome's Performance.getMetrics) is divided by the frames too, and a jump test moves a
  // screenful per frame for 60 frames.
  {
    await openConversation(page, conversation);
    await page.getByText("Answer 999.").waitFor();
    for (let i = 0; i < 60; i++) {
      await page.evaluate(() => (document.querySelector(".messages").scrollTop = 0));
      await page.waitForTimeout(150);
      if (await page.getByText("Question 0:").count()) break;
    }
    if (!(await page.getByText("Question 0:").count()))
      throw new Error("older messages did not all load");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const busy = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name) => metrics.find((m) => m.name === name).value * 1000;
      return {
        task: get("TaskDuration"),
        script: get("ScriptDuration"),
        layout: get("LayoutDuration") + get("RecalcStyleDuration"),
      };
    };
    const before = await busy();
    const messages = await frameTimes(page, ".messages", 240, 120);
    const after = await busy();
    const per = (k) => ms((after[k] - before[k]) / 240);
    const jumpBefore = await busy();
    const jumps = await frameTimes(page, ".messages", 60, 900);
    const jumpAfter = await busy();
    const nodes = await page.evaluate(() => document.querySelectorAll(".messages *").length);
    results.push([
      `1,000-message scroll frame time p50 / p95`,
      `${ms(pct(messages, 50))} / ${ms(pct(messages, 95))}`,
    ]);
    results.push([
      `1,000-message list: main thread per scroll frame: all / script / style+layout`,
      `${per("task")} / ${per("script")} / ${per("layout")}`,
    ]);
    results.push([
      `1,000-message list: jump a screen a frame: frame p95, main thread per frame`,
      `${ms(pct(jumps, 95))}, ${ms((jumpAfter.task - jumpBefore.task) / 60)}`,
    ]);
    results.push([`1,000-message list: elements in the list after scrolling`, `${nodes}`]);
    await cdp.detach();
  }

  // Token to paint: deltas of a streamed answer, from socket arrival to the frame that shows them.
  await page.getByRole("button", { name: "New conversation" }).click();
  const latencies = await page.evaluate(
    () =>
      new Promise((done) => {
        const out = [];
        let seen = 0;
        let expectedLength = 0;
        const pending = [];
        const frame = (now) => {
          while (seen < window.__deltas.length) {
            expectedLength += window.__deltas[seen].text.length;
            pending.push({ at: window.__deltas[seen].at, length: expectedLength });
            seen++;
          }
          const answer = [...document.querySelectorAll('[data-testid="answer"] .markdown')].at(-1);
          const shown = answer ? answer.textContent.length : 0;
          while (pending.length && pending[0].length <= shown + 1)
            out.push(now - pending.shift().at);
          const status = [...document.querySelectorAll('[data-testid="answer"]')].at(-1)?.dataset
            .status;
          if (status === "done" && !pending.length) done(out);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
        const box = document.querySelector('textarea[aria-label="Message"]');
        const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
        setter.call(box, "Stream please #tokens=200 #gap=20 #first=100");
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      }),
  );
  results.push([
    `token arrival to paint p50 / p95 (${latencies.length} deltas)`,
    `${ms(pct(latencies, 50))} / ${ms(pct(latencies, 95))}`,
  ]);
  await browser.close();

  console.log("\nIDE benchmark (headless Chromium, localhost)\n");
  for (const [name, value] of results) console.log(`${name.padEnd(58)} ${value}`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`IDE benchmark failed: ${e.stack}`);
  console.error(logs());
} finally {
  stopAll();
}
process.exit(failed ? 1 : 0);
