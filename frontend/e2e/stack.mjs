// The stack the browser tests and benchmarks run against: the packaged services as processes, a
// real Redis and the fake model server, on free ports.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const PASSWORD = "e2e-admin-password";
export const children = [];
export const workspaces = mkdtempSync(join(tmpdir(), "aicoder-e2e-"));

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

export async function until(what, check, timeoutMs = 120_000) {
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

/** Starts Redis, the fake model and the three services; returns the gateway URL. */
export async function services({ redisPort } = {}) {
  const [model, chat, ai, gateway] = await Promise.all([1, 2, 3, 4].map(freePort));
  const redis = redisPort ?? (await freePort());
  stackPorts.redis = redis;
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

export async function api(base, token, path, init = {}) {
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

/** The ports chosen for this run. */
export const stackPorts = {};

/** Stops every process started here and removes the workspace folder. */
export function stopAll() {
  for (const { child } of children) child.kill();
  rmSync(workspaces, { recursive: true, force: true });
}

/** The last lines each process logged (for a failure report). */
export function logs() {
  return children
    .map((c) => `--- ${c.name} (last lines)\n${c.log().split("\n").slice(-15).join("\n")}`)
    .join("\n");
}

/** Signs in as the admin and makes a team and a workspace; returns the token and workspace id. */
export async function adminWorkspace(base) {
  const login = await api(base, null, "/api/auth/login", {
    method: "POST",
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  const { token, expiresAt } = await login.json();
  const post = (path, body) =>
    api(base, token, path, { method: "POST", body: JSON.stringify(body) });
  const team = await (await post("/api/admin/teams", { name: "e2e" })).json();
  await post(`/api/admin/teams/${team.id}/members`, { username: "admin" });
  const ws = await (await post("/api/workspaces", { name: "e2e", teamId: team.id })).json();
  return { token, expiresAt, workspaceId: ws.id };
}
