// The stack the browser tests and benchmarks run against: the packaged services as processes, a
// real Redis and the fake model server, on free ports.
import { spawn } from "node:child_process";
import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const PASSWORD = "e2e-admin-password";
/** Who the fake identity provider signs in. */
export const SSO_USER = "sso-e2e";
const SSO_CLIENT = { id: "ai-coder", secret: `e2e-${randomUUID()}-client-secret` };
export const children = [];
export const workspaces = mkdtempSync(join(tmpdir(), "aicoder-e2e-"));
/** The cache service's file tier. */
const cacheFiles = mkdtempSync(join(tmpdir(), "aicoder-e2e-cache-"));

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

const base64url = (data) => Buffer.from(data).toString("base64url");

/**
 * A minimal OpenID Connect provider: discovery, JWKS, an authorization endpoint that signs in
 * SSO_USER at once, and a token endpoint that checks the client secret and returns an RS256 ID
 * token. Test code, like the fake model.
 */
function identityProvider(port) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "e2e", alg: "RS256", use: "sig" };
  const json = (res, status, body) => {
    res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  };
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
    }
    if (url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const back = new URL(url.searchParams.get("redirect_uri"));
      back.searchParams.set("code", randomUUID());
      back.searchParams.set("state", url.searchParams.get("state"));
      return res.writeHead(302, { Location: back.toString() }).end();
    }
    if (url.pathname === "/token") {
      const basic = `Basic ${Buffer.from(`${SSO_CLIENT.id}:${SSO_CLIENT.secret}`).toString("base64")}`;
      if (req.headers.authorization !== basic) return json(res, 401, { error: "invalid_client" });
      const now = Math.floor(Date.now() / 1000);
      const header = base64url(JSON.stringify({ alg: "RS256", kid: "e2e", typ: "JWT" }));
      const claims = base64url(
        JSON.stringify({
          iss: issuer,
          aud: SSO_CLIENT.id,
          sub: `sub-${SSO_USER}`,
          preferred_username: SSO_USER,
          iat: now,
          exp: now + 300,
        }),
      );
      const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(privateKey);
      const idToken = `${header}.${claims}.${base64url(signature)}`;
      return json(res, 200, { access_token: idToken, id_token: idToken, token_type: "Bearer" });
    }
    res.writeHead(404).end();
  });
  server.listen(port, "127.0.0.1");
  children.push({
    name: "identity-provider",
    child: { kill: () => server.close() },
    log: () => "",
  });
  return issuer;
}

const ready = (port) => fetch(`http://127.0.0.1:${port}/q/health/ready`).then((r) => r.ok);

/**
 * Starts Redis, the fake model and the five services; returns the gateway URL. The metrics service
 * scrapes every service each second, and also `extraTargets` (service=url, e.g. a dead one);
 * `metricsEnv` adds to its settings (e.g. a low threshold so an alert fires).
 */
export async function services({ redisPort, extraTargets = [], metricsEnv = {} } = {}) {
  const [model, chat, ai, gateway, idp, cache, metrics] = await Promise.all(
    [1, 2, 3, 4, 5, 6, 7].map(freePort),
  );
  const redis = redisPort ?? (await freePort());
  stackPorts.redis = redis;
  const common = {
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis),
    OTEL_EXPORTER_OTLP_ENDPOINT: "",
    // The services' shared credential: ai-streaming reads attached files through the gateway.
    AI_CODER_INTERNAL_TOKEN: `e2e-${randomUUID()}-internal`,
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
    GATEWAY_URL: `http://127.0.0.1:${gateway}`,
  });
  jar("chat-websocket", chat, {});
  jar("cache", cache, { AI_CODER_CACHE_DIR: cacheFiles });
  const scraped = { gateway, "chat-websocket": chat, "ai-streaming": ai, cache, metrics };
  jar("metrics", metrics, {
    AI_CODER_METRICS_TARGETS: [
      ...Object.entries(scraped).map(
        ([name, port]) => `${name}=http://127.0.0.1:${port}/q/metrics`,
      ),
      ...extraTargets,
    ].join(","),
    AI_CODER_METRICS_SCRAPE_INTERVAL: "1s",
    ...metricsEnv,
  });
  jar("gateway", gateway, {
    CACHE_URL: `http://127.0.0.1:${cache}`,
    METRICS_URL: `http://127.0.0.1:${metrics}`,
    AI_CODER_ADMIN_USER: "admin",
    AI_CODER_ADMIN_PASSWORD: PASSWORD,
    AI_CODER_WORKSPACE_ROOT: workspaces,
    CHAT_WEBSOCKET_URL: `http://127.0.0.1:${chat}`,
    AI_STREAMING_URL: `http://127.0.0.1:${ai}`,
    AI_CODER_OIDC_ENABLED: "true",
    AI_CODER_OIDC_ISSUER: identityProvider(idp),
    AI_CODER_OIDC_CLIENT_ID: SSO_CLIENT.id,
    AI_CODER_OIDC_CLIENT_SECRET: SSO_CLIENT.secret,
  });
  for (const port of [ai, chat, cache, metrics, gateway])
    await until(`the service on ${port}`, () => ready(port));
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

/** The p-th percentile of `values` (nearest rank), for the benchmarks. */
export const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : NaN;
};

/** Milliseconds as the benchmarks print them. */
export const ms = (v) => `${v.toFixed(1)} ms`;

/** The ports chosen for this run. */
export const stackPorts = {};

/** Stops every process started here and removes the workspace and cache folders. */
export function stopAll() {
  for (const { child } of children) child.kill();
  rmSync(workspaces, { recursive: true, force: true });
  rmSync(cacheFiles, { recursive: true, force: true });
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
