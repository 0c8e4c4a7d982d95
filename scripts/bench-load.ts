import { fork, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { loadConfig } from "../src/config.js";
import { createIlluminate, type Illuminate } from "../src/create-illuminate.js";
import { createQueue } from "../src/queue/create-queue.js";
import { signAccessToken } from "../src/users/session/access-token.js";
import { createSessionFamily } from "../src/users/session/refresh-tokens.js";
import { cookieNames } from "../src/users/session/session-cookies.js";
import { deriveSessionKeys } from "../src/users/session/session-keys.js";
import { percentile } from "./bench-matching-seed.js";
import { removeQueueKeys, startGithubStub, throwawayDatabase } from "./bench-services.js";

// npm run bench:load — the whole server under a realistic mix of traffic. Illuminate runs in a child
// process (ROLE=all: web and worker; on DATABASE_URL / REDIS_URL when set, in a throwaway database
// and queue prefix, else embedded), with its request quotas raised out of the way. This process
// seeds it through the product's own paths (signed `issues` deliveries, indexed by the worker), signs
// a reader in the way sign-in does, then drives it over loopback with autocannon for BENCH_SECONDS
// at BENCH_RATE requests per second in all, and prints per route: requests, p50/p95/p99, non-2xx
// and errors.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const ISSUES = Number(process.env.BENCH_ISSUES ?? 300);
const SECRET = "bench-load-webhook-secret";
const INSTALLATION_ID = 4_242_424;
const READER = { id: 7_000_001, login: "bench-reader" };

/** Share of the total rate per route: what a busy instance mostly answers. */
const MIX = [
  { route: "GET /api/issues/feed", share: 0.25 },
  { route: "GET /api/issues/search", share: 0.2 },
  { route: "GET /api/issues/:id", share: 0.15 },
  { route: "GET /issues/:owner/:repo/:number (page)", share: 0.1 },
  { route: "GET /api/portfolio/:login/widget", share: 0.15 },
  { route: "POST /api/github/webhooks", share: 0.15 },
] as const;

const WORDS = ["crash", "typescript", "parser", "docs", "timeout", "memory", "leak", "windows", "cli", "config", "plugin", "unicode", "stream", "cache", "retry", "logger"];
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
const example = (event: string, action: string) => structuredClone(examples.find((d) => d.name === event)!.examples.find((e) => e.action === action)!);

interface IssueRef {
  id: number;
  owner: string;
  repo: string;
  number: number;
}
type FromServer = { type: "ready"; url: string } | { type: "prepared"; cookie: string; issues: IssueRef[]; processed: number; failed: number };
type ToServer = { type: "prepare"; expected: number } | { type: "stop" };

// ---------------------------------------------------------------- the server, in the child process

async function signInReader(illuminate: Illuminate): Promise<string> {
  const { knex } = illuminate.db;
  await knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?) on conflict do nothing`, [READER.id, READER.id, READER.login]);
  await knex("user_skills")
    .insert(["typescript", "javascript", "docs"].map((skill, i) => ({ user_id: READER.id, skill, kind: skill === "docs" ? "topic" : "language", weight: 0.9 - i * 0.2 })))
    .onConflict(["user_id", "skill"])
    .ignore();
  // A real session, made the way the OAuth callback makes one.
  const now = new Date();
  const { familyId } = await createSessionFamily(knex, READER.id, { userAgent: "bench-load" }, now);
  const { config } = illuminate;
  const token = await signAccessToken(deriveSessionKeys(config.sessionSecret).accessToken, config.publicUrl, { userId: READER.id, login: READER.login, sessionId: familyId }, now);
  return `${cookieNames(config.publicUrl.startsWith("https:")).access}=${token}`;
}

async function runServer(): Promise<void> {
  const send = (message: FromServer) => process.send!(message);
  const log = pino({ level: "silent" });
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
  const dataDir = mkdtempSync(join(tmpdir(), "illuminate-bench-load-"));
  const database = process.env.DATABASE_URL ? await throwawayDatabase(process.env.DATABASE_URL, "load") : null;
  const github = await startGithubStub();
  const config = loadConfig({
    NODE_ENV: "development",
    LOG_LEVEL: "silent",
    ROLE: "all",
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url,
    REDIS_URL: process.env.REDIS_URL,
    // Every request of the run comes from 127.0.0.1 and one reader: the quotas would measure themselves.
    RATE_LIMITS: "auth=100000000/60,public=100000000/60,api=100000000/60,generate=100000000/3600,regenerate=100000000/3600",
  });
  const prefix = `bench-load-${randomBytes(4).toString("hex")}`;
  const queue = config.redisUrl ? createQueue({ redisUrl: config.redisUrl, prefix, log }) : undefined;
  const dashboardBuilt = existsSync(fileURLToPath(new URL("../web/build/handler.js", import.meta.url)));
  const illuminate = await createIlluminate(config, {
    log,
    queue,
    ...(dashboardBuilt ? {} : { web: (_req, res) => void res.status(404).type("text/plain").send("dashboard not built") }),
  });
  await illuminate.db.knex("installations")
    .insert({ id: INSTALLATION_ID, account_id: 21031067, account_login: "Codertocat", account_type: "User", target_type: "User" })
    .onConflict("id")
    .ignore();
  const server = await illuminate.listen(0, "127.0.0.1");
  send({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });

  process.on("message", (message: ToServer) => {
    void (async () => {
      if (message.type === "prepare") {
        // The worker indexes what was delivered; the run starts once it has caught up.
        const deadline = Date.now() + 300_000;
        let stats = await illuminate.inbox.stats();
        while (stats.processed + stats.skipped + stats.failed < message.expected && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          stats = await illuminate.inbox.stats();
        }
        const rows = (await illuminate.db.knex("issues as i")
          .join("repositories as r", "r.id", "i.repository_id")
          .select("i.id", "r.owner", "r.name as repo", "i.number")
          .orderBy("i.id")
          .limit(500)) as Array<{ id: string | number; owner: string; repo: string; number: number }>;
        const issues = rows.map((r) => ({ id: Number(r.id), owner: r.owner, repo: r.repo, number: r.number }));
        send({ type: "prepared", cookie: await signInReader(illuminate), issues, processed: stats.processed, failed: stats.failed });
      } else if (message.type === "stop") {
        await illuminate.close();
        github.close();
        if (config.redisUrl) await removeQueueKeys(config.redisUrl, prefix);
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
}


// ------------------------------------------------------------- the load, in this (parent) process

function delivery(event: string, payload: Record<string, unknown>) {
  payload.installation = { id: INSTALLATION_ID };
  const body = JSON.stringify(payload);
  return {
    method: "POST",
    path: "/api/github/webhooks",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
  };
}

/** An `issues` delivery for issue n of the seeded repository, with words search can find. */
function issueDelivery(n: number, action: "opened" | "labeled") {
  const payload = example("issues", action);
  const words = [WORDS[n % WORDS.length], WORDS[(n * 7 + 3) % WORDS.length], WORDS[(n * 11 + 5) % WORDS.length]];
  Object.assign(payload.issue as object, {
    id: 90_000_000 + n,
    node_id: `I_benchload${n}`,
    number: 1 + n,
    title: `The ${words[0]} ${words[1]} fails when ${words[2]} is set`,
    body: `Steps: enable ${words[2]}, run the ${words[0]} command. Expected it to work; it throws instead. Good first issue for someone who knows ${words[1]}.`,
    labels: [{ id: 1, node_id: "L1", url: "", name: n % 3 === 0 ? "good first issue" : "bug", color: "7057ff", default: true, description: null }],
    updated_at: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
  });
  return delivery("issues", payload);
}

async function seed(url: string): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < ISSUES) {
        const request = issueDelivery(next++, "opened");
        const response = await fetch(`${url}${request.path}`, { method: "POST", headers: request.headers, body: request.body });
        await response.arrayBuffer();
        if (!response.ok) failed++;
      }
    }),
  );
  if (failed > 0) console.warn(`${failed} seeding deliveries were refused`);
  return ISSUES;
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
  on(event: "done", listener: () => void): void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  requests: { sent: number };
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

interface RouteFigures {
  route: string;
  latencies: number[];
  non2xx: number;
  /** connection errors and timeouts */
  errors: number;
  /** sent but not answered before the run ended */
  unanswered: number;
}

/**
 * One autocannon per route, so each has its own latencies. A connection waits for each answer before
 * the next, so there are enough of them to hold the rate while answers take up to ~250 ms; beyond
 * that the server is saturated and the table shows it as a lower req/s and unanswered requests.
 */
function drive(url: string, route: string, rate: number, requests: AutocannonRequest[]): Promise<RouteFigures> {
  const figures: RouteFigures = { route, latencies: [], non2xx: 0, errors: 0, unanswered: 0 };
  return new Promise((resolve, reject) => {
    const options = { url, duration: SECONDS, timeout: 10, overallRate: Math.max(1, Math.round(rate)), connections: Math.max(2, Math.min(32, Math.ceil(rate / 4))), requests };
    const instance = autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      figures.errors = result.errors;
      figures.unanswered = Math.max(0, result.requests.sent - figures.latencies.length - result.errors);
      resolve(figures);
    });
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      figures.latencies.push(responseTime);
      if (statusCode < 200 || statusCode >= 300) figures.non2xx++;
    });
  });
}

async function runLoad(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), { env: { ...process.env, BENCH_LOAD_CHILD: "1" } });
  const fromChild = <T extends FromServer["type"]>(type: T) =>
    new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromServer) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        resolve(message as Extract<FromServer, { type: T }>);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    });
  const { url } = await fromChild("ready");
  const where = `${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"} and ${process.env.REDIS_URL ? "BullMQ on Redis" : "the in-process queue"}`;
  console.log(`bench:load — Illuminate (ROLE=all) on ${where}; ${ISSUES} issues seeded by signed deliveries, then ${RATE} req/s for ${SECONDS} s\n`);

  const expected = await seed(url);
  const prepared = fromChild("prepared");
  child.send({ type: "prepare", expected } satisfies ToServer);
  const { cookie, issues, processed, failed } = await prepared;
  console.log(`seeded: ${processed} deliveries processed (${failed} failed), ${issues.length} issues indexed; reader signed in`);
  if (issues.length === 0) throw new Error("nothing was indexed; the run would measure 404s");

  let n = 0;
  const anyIssue = () => issues[n++ % issues.length]!;
  const signedIn = { cookie, accept: "application/json" };
  const rotating = (make: () => AutocannonRequest): AutocannonRequest[] => [{ setupRequest: (request) => ({ ...request, ...make() }) }];
  const requestsFor: Record<(typeof MIX)[number]["route"], AutocannonRequest[]> = {
    "GET /api/issues/feed": [{ method: "GET", path: "/api/issues/feed?limit=20", headers: signedIn }],
    "GET /api/issues/search": rotating(() => ({ method: "GET", path: `/api/issues/search?q=${WORDS[n++ % WORDS.length]}`, headers: { accept: "application/json" } })),
    "GET /api/issues/:id": rotating(() => ({ method: "GET", path: `/api/issues/${anyIssue().id}`, headers: signedIn })),
    "GET /issues/:owner/:repo/:number (page)": rotating(() => {
      const issue = anyIssue();
      return { method: "GET", path: `/issues/${issue.owner}/${issue.repo}/${issue.number}`, headers: { accept: "text/html" } };
    }),
    "GET /api/portfolio/:login/widget": [{ method: "GET", path: `/api/portfolio/${READER.login}/widget`, headers: { accept: "image/svg+xml" } }],
    "POST /api/github/webhooks": rotating(() => issueDelivery(n++ % ISSUES, "labeled")),
  };

  const started = performance.now();
  const results = await Promise.all(MIX.map(({ route, share }) => drive(url, route, RATE * share, requestsFor[route])));
  const seconds = (performance.now() - started) / 1000;

  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(`\n${"route".padEnd(42)}${pad("requests", 9)}${pad("req/s", 8)}${pad("p50 ms", 9)}${pad("p95 ms", 9)}${pad("p99 ms", 9)}${pad("non-2xx", 9)}${pad("errors", 8)}${pad("unanswered", 12)}`);
  let total = 0;
  for (const figures of results) {
    const sorted = [...figures.latencies].sort((a, b) => a - b);
    total += sorted.length;
    console.log(
      `${figures.route.padEnd(42)}${pad(sorted.length, 9)}${pad((sorted.length / seconds).toFixed(0), 8)}${pad(percentile(sorted, 50).toFixed(1), 9)}` +
        `${pad(percentile(sorted, 95).toFixed(1), 9)}${pad(percentile(sorted, 99).toFixed(1), 9)}${pad(figures.non2xx, 9)}${pad(figures.errors, 8)}${pad(figures.unanswered, 12)}`,
    );
  }
  console.log(`${"all".padEnd(42)}${pad(total, 9)}${pad((total / seconds).toFixed(0), 8)}`);

  child.send({ type: "stop" } satisfies ToServer);
  await new Promise((resolve) => child.once("exit", resolve));
}

(process.env.BENCH_LOAD_CHILD ? runServer() : runLoad()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
