import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../src/config.js";
import { createIlluminate } from "../src/create-illuminate.js";
import { DEEP_DIVE_TOOL_NAME } from "../src/guidance/deep-dive-sections.js";
import { loadRepoFixture } from "../test/guidance/fixtures.js";

// npm run bench:deep-dive — the real Illuminate (embedded database and in-process queue, or
// DATABASE_URL / REDIS_URL when set) against two local fakes on 127.0.0.1: GitHub's REST API
// serving a real-world repository fixture, and the Messages API with prompt caching (a prefix up
// to the cache_control breakpoint is written once, then read; under 1024 tokens it is not cached,
// as on the real API). Generates deep dives for 20 issues of one repository, then reports:
// - the share of input tokens the fake served from its prompt cache across those 20 generations;
// - the latency of cached deep-dive reads (p50, p95, p99), from one client and from several, next
//   to the same server's health check as a baseline for what the machine itself costs.

const ISSUES = Number(process.env.BENCH_ISSUES ?? 20);
const READS = Number(process.env.BENCH_READS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const OWNER = "fernlog";
const REPO = "fernlog";
const INSTALLATION_ID = 4_242;
const MIN_CACHEABLE_TOKENS = 1_024;

const tokens = (text: string) => Math.ceil(text.length / 4);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** GitHub's REST API for one repository, from the node fixture (GitHub Enterprise paths: /api/v3). */
function fakeGithub() {
  const fixture = loadRepoFixture("node");
  const file = (path: string, text: string) => ({ type: "file", path, name: path.split("/").at(-1), sha: createHash("sha1").update(text).digest("hex"), size: text.length, encoding: "base64", content: Buffer.from(text).toString("base64") });
  const base = `/api/v3/repos/${OWNER}/${REPO}`;
  return listen((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST" && url.pathname === `/api/v3/app/installations/${INSTALLATION_ID}/access_tokens`) return send(res, 201, { token: "ghs_bench", expires_at: new Date(Date.now() + 3600_000).toISOString() });
    if (url.pathname === `${base}/git/trees/main`) return send(res, 200, { sha: "a".repeat(40), truncated: false, tree: fixture.tree.map((e) => ({ path: e.path, type: e.type, mode: "100644", sha: "b".repeat(40), size: e.size ?? undefined })) });
    if (url.pathname === `${base}/readme`) return send(res, 200, file(fixture.readmePath, fixture.files[fixture.readmePath]!));
    const path = decodeURIComponent(url.pathname.slice(`${base}/contents/`.length));
    if (url.pathname.startsWith(`${base}/contents/`) && fixture.files[path]) return send(res, 200, file(path, fixture.files[path]!));
    if (url.pathname.startsWith(`${base}/contents/src/`)) return send(res, 200, file(path, `// ${path}\nexport function placeholder() {\n  return null;\n}\n`));
    send(res, 404, { message: "Not Found" });
  });
}

/** The Messages API with a prompt cache keyed by everything up to the last cache_control breakpoint. */
function fakeMessages(stats: { input: number; cacheRead: number; cacheWrite: number; calls: number }) {
  const cache = new Set<string>();
  return listen(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/messages") return send(res, 404, { type: "error", error: { type: "not_found_error", message: "no such route" } });
    const body = JSON.parse(await readBody(req)) as { tools: unknown[]; system: Array<{ text: string; cache_control?: unknown }>; messages: Array<{ content: Array<{ text: string }> }> };
    const breakpoint = body.system.findLastIndex((block) => block.cache_control);
    const prefix = JSON.stringify([body.tools, body.system.slice(0, breakpoint + 1)]);
    const rest = JSON.stringify([body.system.slice(breakpoint + 1), body.messages]);
    const prefixTokens = tokens(prefix);
    const key = createHash("sha256").update(prefix).digest("hex");
    let usage = { input_tokens: prefixTokens + tokens(rest), cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 620 };
    if (breakpoint >= 0 && prefixTokens >= MIN_CACHEABLE_TOKENS) {
      usage = cache.has(key)
        ? { ...usage, input_tokens: tokens(rest), cache_read_input_tokens: prefixTokens }
        : { ...usage, input_tokens: tokens(rest), cache_creation_input_tokens: prefixTokens };
      cache.add(key);
    }
    stats.calls += 1;
    stats.input += usage.input_tokens;
    stats.cacheRead += usage.cache_read_input_tokens;
    stats.cacheWrite += usage.cache_creation_input_tokens;
    const section = (summary: string, files: string[] = [], commands: string[] = []) => ({ summary, items: [{ text: summary, files, commands }] });
    send(res, 200, {
      id: `msg_bench_${stats.calls}`,
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      stop_reason: "tool_use",
      stop_sequence: null,
      usage,
      content: [{
        type: "tool_use",
        id: `toolu_${stats.calls}`,
        name: DEEP_DIVE_TOOL_NAME,
        input: {
          overview: section("fernlog is a structured logger for Node.js.", ["package.json"], ["npm ci"]),
          issueContext: section("The issue is about the pretty printer."),
          approach: section("Start in the pretty printer and add a test.", ["src/pretty/format-line.ts", "test/pretty.test.ts"], ["npm test"]),
          questions: section("Ask which output the maintainers expect."),
          redFlags: section("Nothing suggests the issue is taken."),
        },
      }],
    });
  });
}

async function main() {
  const stats = { input: 0, cacheRead: 0, cacheWrite: 0, calls: 0 };
  const github = await fakeGithub();
  const messages = await fakeMessages(stats);
  const dataDir = mkdtempSync(join(tmpdir(), "illuminate-bench-"));
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: "bench-webhook-secret",
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: "http",
    ANTHROPIC_API_KEY: "sk-ant-bench-key-000000000000",
    ANTHROPIC_BASE_URL: messages.url,
    ANTHROPIC_MODEL: "claude-sonnet-4-6",
  });
  const illuminate = await createIlluminate(config, { log: pino({ level: "silent" }), web: (_req, res) => void res.status(404).end() });
  const server = await illuminate.listen(0, "127.0.0.1");
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const knex = illuminate.db.knex;
  const stamp = Date.now() % 1_000_000;
  const repositoryId = 70_000_000 + stamp;
  try {
    await knex("installations").insert({ id: INSTALLATION_ID, account_id: 1, account_login: OWNER, account_type: "Organization", target_type: "Organization" }).onConflict("id").ignore();
    await knex("repositories").insert({ id: repositoryId, installation_id: INSTALLATION_ID, owner: OWNER, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: "main", languages: JSON.stringify({ TypeScript: 80, JavaScript: 20 }), tracked_via: "installation" });
    const titles = ["Pretty printer crashes on circular objects", "Colours missing on Windows terminals", "Add a level filter to the file transport", "Serializers drop Error causes", "Document the worker transport"];
    const issueIds: number[] = [];
    for (let i = 0; i < ISSUES; i++) {
      const id = 800_000_000 + stamp * 100 + i;
      issueIds.push(id);
      await knex("issues").insert({
        id, repository_id: repositoryId, number: i + 1, title: `${titles[i % titles.length]} (#${i + 1})`,
        body: `Seen in src/pretty/format-line.ts while logging request ${i}. Steps: create a logger, log an object, watch it fail.`,
        labels: ["good first issue"], github_created_at: new Date(), github_updated_at: new Date(),
      });
    }

    const generationStarted = performance.now();
    for (const id of issueIds) {
      await fetch(`${api}/issues/${id}/deep-dive`).then((r) => r.arrayBuffer());
      for (;;) {
        const body = (await (await fetch(`${api}/issues/${id}/deep-dive`)).json()) as { status: string };
        if (body.status === "ready") break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const generationMs = performance.now() - generationStarted;

    /** `reads` GETs of `path(i)` from `concurrency` clients; sorted latencies in ms. */
    const measure = async (path: (i: number) => string, concurrency: number) => {
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < READS) {
          const i = next++;
          const started = performance.now();
          const response = await fetch(`${api}${path(i)}`);
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`${path(i)} answered ${response.status}`);
          latencies.push(performance.now() - started);
        }
      }));
      return latencies.sort((a, b) => a - b);
    };
    const deepDive = (i: number) => `/issues/${issueIds[i % issueIds.length]}/deep-dive`;
    const sequential = await measure(deepDive, 1);
    const concurrent = await measure(deepDive, CONCURRENCY);
    // The same server's cheapest route, measured the same way: what the machine itself costs.
    const baseline = await measure(() => "/health", 1);
    const figures = (l: number[]) => `p50 ${percentile(l, 50).toFixed(2)} ms, p95 ${percentile(l, 95).toFixed(2)} ms, p99 ${percentile(l, 99).toFixed(2)} ms`;

    const recorded = await knex("deep_dives").whereIn("issue_id", issueIds).select(knex.raw("sum(input_tokens) as input, sum(cache_read_input_tokens) as read, sum(cache_creation_input_tokens) as write, sum(cost_usd) as cost"));
    const row = recorded[0] as { input: string; read: string; write: string; cost: string };
    const totalInput = stats.input + stats.cacheRead + stats.cacheWrite;
    const share = totalInput > 0 ? stats.cacheRead / totalInput : 0;
    const backend = `${illuminate.db.kind === "pg" ? "PostgreSQL" : "embedded PostgreSQL (PGlite)"}, ${illuminate.queue.driver === "bullmq" ? "BullMQ on Redis" : "in-process queue"}`;
    console.log(`deep dive benchmark — ${backend}`);
    console.log(`generations: ${stats.calls} model calls for ${ISSUES} issues of one repository in ${(generationMs / 1000).toFixed(1)} s`);
    console.log(`input tokens as the fake reported them: ${stats.input} uncached, ${stats.cacheWrite} written to the cache, ${stats.cacheRead} read from it`);
    console.log(`share of input tokens served from the prompt cache: ${(share * 100).toFixed(1)} %`);
    console.log(`recorded by Illuminate: ${row.input} uncached, ${row.write} cache writes, ${row.read} cache reads, estimated cost $${Number(row.cost).toFixed(4)} for ${ISSUES} deep dives`);
    console.log(`cached reads, one client: ${READS} GETs: ${figures(sequential)} (target p95 ≤ 20 ms)`);
    console.log(`cached reads, ${CONCURRENCY} clients: ${READS} GETs: ${figures(concurrent)}`);
    console.log(`baseline, GET /api/health, one client: ${figures(baseline)}`);
  } finally {
    await knex("repositories").where({ id: repositoryId }).delete().catch(() => undefined);
    await illuminate.close();
    github.server.close();
    messages.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
