import { createServer, type Server } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import express from "express";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { PROCESS_DELIVERY_JOB } from "../../src/github/inbox/create-webhook-inbox.js";
import { estimateCostUsd, NO_USAGE } from "../../src/guidance/estimate-cost.js";
import { generateWithClaude } from "../../src/guidance/generate-with-claude.js";
import { createErrorHandler } from "../../src/http/error-handler.js";
import { createMetrics, metricsHandler } from "../../src/http/metrics.js";
import { createMemoryQueue } from "../../src/queue/create-memory-queue.js";
import { ANTHROPIC, modelSections, nockMessages, toolAnswer } from "../guidance/harness.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789";
const ADMIN_TOKEN = "admin-token-0123456789abcdef0123456789abc";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample a line; enough of it to find series by name and labels. */
function parseScrape(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

const find = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

let db: Db;
let app: TestApp;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog), env: { METRICS_TOKEN, ADMIN_TOKEN } });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const scrape = async (token = METRICS_TOKEN) => {
  const response = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseScrape(await response.text());
};

describe("GET /metrics", () => {
  it("times requests by route template and status class, never by raw URL", async () => {
    await fetch(`${app.baseUrl}/api/health`);
    await fetch(`${app.baseUrl}/api/issues/12345`);
    await fetch(`${app.baseUrl}/api/issues/not-a-number`);
    await fetch(`${app.baseUrl}/api/users/me`);
    await fetch(`${app.baseUrl}/api/no-such-route`);
    const samples = await scrape();
    const count = (route: string, statusClass: string) => find(samples, "http_request_duration_seconds_count", { method: "GET", route, status_class: statusClass })?.value;
    expect(count("/api/health", "2xx")).toBe(1);
    expect(count("/api/issues/:id", "4xx")).toBe(2); // a 404 and a 400, one template
    expect(count("/api/users/me", "4xx")).toBe(1); // refused by the guard, still under its route
    expect(count("unmatched", "4xx")).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes("12345"))).toBe(false);
    expect(find(samples, "http_request_duration_seconds_bucket", { route: "/api/health", le: "+Inf" })?.value).toBe(1);
    // Default process metrics come from this registry too.
    expect(find(samples, "process_cpu_user_seconds_total", {})).toBeTruthy();
  });

  it("counts webhook deliveries by event and outcome and times the processing job", async () => {
    const payload = webhookExample("ping");
    const first = await sendWebhook(app.baseUrl, "ping", payload);
    expect(first.status).toBeLessThan(300);
    const repeat = await sendWebhook(app.baseUrl, "ping", payload, { deliveryId: first.deliveryId });
    expect(repeat.status).toBeLessThan(300);
    const samples = await waitFor(async () => {
      const now = await scrape();
      return find(now, "webhook_deliveries_total", { event: "ping", outcome: "processed" }) ? now : null;
    }, 10_000, "the ping to be processed");
    expect(find(samples, "webhook_deliveries_total", { event: "ping", outcome: "accepted" })?.value).toBe(1);
    expect(find(samples, "webhook_deliveries_total", { event: "ping", outcome: "duplicate" })?.value).toBe(1);
    expect(find(samples, "webhook_deliveries_total", { event: "ping", outcome: "processed" })?.value).toBe(1);
    expect(find(samples, "job_duration_seconds_count", { job: PROCESS_DELIVERY_JOB, outcome: "completed" })?.value).toBeGreaterThanOrEqual(1);
    // Answered in front of Express, still timed under its own route.
    expect(find(samples, "http_request_duration_seconds_count", { method: "POST", route: "/api/github/webhooks", status_class: "2xx" })?.value).toBe(2);
    for (const state of ["waiting", "active", "delayed", "failed", "completed"]) {
      expect(find(samples, "queue_jobs", { state }), state).toBeTruthy();
    }
  });

  it("keeps GitHub's rate-limit remaining from the last answer's headers", async () => {
    const { apiUrl } = app.illuminate.config.github;
    const scope = nock(apiUrl)
      .get("/rate_limit")
      .reply(200, { resources: {} }, { "x-ratelimit-remaining": "4321", "x-ratelimit-resource": "core" })
      .post("/graphql")
      .reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-resource": "graphql" });
    const octokit = app.illuminate.github.forUser("gho_test_token");
    await octokit.request("GET /rate_limit");
    await expect(octokit.request("POST /graphql", { query: "{ viewer { login } }" })).rejects.toMatchObject({ status: 403 });
    scope.done();
    const samples = await scrape();
    expect(find(samples, "github_rate_limit_remaining", { resource: "core" })?.value).toBe(4321);
    expect(find(samples, "github_rate_limit_remaining", { resource: "graphql" })?.value).toBe(0);
  });

  it("is refused without the metrics or admin token, and served with either", async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    await scrape(ADMIN_TOKEN);
  });
});

describe("Anthropic usage", () => {
  it("counts tokens by kind and the estimated cost by model", async () => {
    const metrics = createMetrics({ queue: createMemoryQueue({ log: silentLog }), defaultMetrics: false });
    const scope = nockMessages([{ status: 200, body: toolAnswer(modelSections(), { input_tokens: 120, output_tokens: 80, cache_read_input_tokens: 3000, cache_creation_input_tokens: 500 }) }], []);
    const model = "claude-sonnet-4-6";
    const usage = { inputTokens: 120, outputTokens: 80, cacheReadInputTokens: 3000, cacheCreationInputTokens: 500 };
    const budget = { used: 0, max: 3, usage: NO_USAGE, spend: async () => void (budget.used += 1) };
    await generateWithClaude(
      {
        client: new Anthropic({ apiKey: "sk-ant-test-key-0000000000", baseURL: ANTHROPIC, maxRetries: 0 }),
        model,
        maxTokens: 2000,
        timeoutMs: 10_000,
        maxWaitMs: 60_000,
        sleep: async () => {},
        // As the guidance domain wires it.
        onUsage: (used, u) => metrics.modelUsage(used, { ...u, costUsd: estimateCostUsd(used, u) }),
      },
      { repositoryBlock: "<repository/>", issueBlock: "<issue/>" },
      budget,
    );
    scope.done();
    const samples = parseScrape((await metrics.scrape()).body);
    expect(find(samples, "anthropic_tokens_total", { model, kind: "input" })?.value).toBe(120);
    expect(find(samples, "anthropic_tokens_total", { model, kind: "output" })?.value).toBe(80);
    expect(find(samples, "anthropic_tokens_total", { model, kind: "cache_read" })?.value).toBe(3000);
    expect(find(samples, "anthropic_tokens_total", { model, kind: "cache_write" })?.value).toBe(500);
    expect(find(samples, "anthropic_cost_usd_total", { model })?.value).toBeCloseTo(estimateCostUsd(model, usage), 9);
  });
});

describe("protection without a token", () => {
  const serve = async (options: Parameters<typeof metricsHandler>[1]) => {
    const metrics = createMetrics({ queue: createMemoryQueue({ log: silentLog }), defaultMetrics: false });
    const server = express().get("/metrics", metricsHandler(metrics, options)).use(createErrorHandler(silentLog)).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as { port: number };
    try {
      return await fetch(`http://127.0.0.1:${port}/metrics`);
    } finally {
      server.close();
    }
  };

  it("is open on a laptop and refused in production", async () => {
    expect((await serve({ tokens: [], production: false })).status).toBe(200);
    const refused = await serve({ tokens: [undefined], production: true });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("metrics_disabled");
  });
});

describe("METRICS_PORT", () => {
  it("serves /metrics on its own port without a token, and not on the main port", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe: Server = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const ownDb = await createTestDb();
    const other = await startTestApp({ db: ownDb, queue: createTestQueue(silentLog), env: { METRICS_PORT: String(port), METRICS_TOKEN } });
    try {
      const onMain = await fetch(`${other.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      // The path falls through to the dashboard: no metrics on the public port.
      expect(await onMain.text()).not.toMatch(/# HELP/);
      const separate = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(separate.status).toBe(200);
      expect(await separate.text()).toMatch(/^# HELP /m);
    } finally {
      await other.close();
      await ownDb.close();
    }
  });
});
