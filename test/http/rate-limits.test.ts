import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_RATE_LIMITS } from "../../src/config.js";
import type { Db } from "../../src/db/types.js";
import { createLimiterStore } from "../../src/http/rate-limits.js";
import { seedIssue, signIn } from "../guidance/harness.js";
import { signWebhook } from "../helpers/github-webhooks.js";
import { startTestApp, silentLog, testConfig, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

// Low quotas so each one is reached in a few requests; the backend is Redis when REDIS_URL is set.
const LIMITS = "auth=3/60,public=2/60,api=4/60,generate=1/3600";

let db: Db;
const apps: TestApp[] = [];

async function start(env: Record<string, string>): Promise<TestApp> {
  const app = await startTestApp({ db, queue: createTestQueue(silentLog), env: { RATE_LIMITS: LIMITS, ...env } });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await db?.close();
});

// A fresh documentation-range address per call, so reruns against one Redis never share a key.
const randomIp = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

async function expectRateLimited(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  const body = await response.json();
  expect(body).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/try again in/) } });
  return retryAfter;
}

describe("per-IP limits with TRUST_PROXY=1", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await start({ TRUST_PROXY: "1" });
  });
  const get = (path: string, ip: string) => fetch(`${app.baseUrl}${path}`, { redirect: "manual", headers: { "x-forwarded-for": ip } });

  it("the fourth sign-in request from one address within a minute is refused with Retry-After", async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) expect((await get("/auth/github", ip)).status).toBe(302);
    const retryAfter = await expectRateLimited(await get("/auth/github", ip));
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another client, as the proxy reports it, has its own quota.
    expect((await get("/auth/github", randomIp())).status).toBe(302);
  });

  it("trading the operator token for a cookie counts as a sign-in: the fourth wrong guess is refused", async () => {
    const ip = randomIp();
    const guess = () =>
      fetch(`${app.baseUrl}/api/admin/session`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify({ token: "not-the-token" }) });
    for (let i = 0; i < 3; i++) expect((await guess()).status).not.toBe(429);
    await expectRateLimited(await guess());
  });

  it("public portfolio pages and widgets share a per-IP quota; the signed-in portfolio is not part of it", async () => {
    const ip = randomIp();
    expect((await get("/u/octocat", ip)).status).toBe(200);
    expect((await get("/api/portfolio/octocat/widget", ip)).status).not.toBe(429);
    await expectRateLimited(await get("/api/portfolio/octocat", ip));
    expect((await get("/api/portfolio/me", ip)).status).toBe(401);
    expect((await get("/api/health", ip)).status).toBe(200);
  });

  it("webhook deliveries are never limited per IP, however many arrive from one address", async () => {
    const ip = randomIp();
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, hook: { type: "App", id: 1, events: ["issues"] } });
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${app.baseUrl}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": ip,
          "x-github-event": "ping",
          "x-github-delivery": `rate-limit-ping-${randomInt(1e9)}-${i}`,
          "x-hub-signature-256": signWebhook(body),
        },
        body,
      });
      expect(response.status).toBeLessThan(300);
    }
  });
});

describe("per-IP limits with the default TRUST_PROXY (none)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await start({});
  });

  it("an X-Forwarded-For header is not believed: every claimed address counts against the socket's", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${app.baseUrl}/auth/github`, { redirect: "manual", headers: { "x-forwarded-for": randomIp() } });
      statuses.push(response.status);
      if (response.status === 429) await expectRateLimited(response);
    }
    // Believed, four different addresses would all have been let through.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 302).length).toBeLessThanOrEqual(3);
  });

  it("the dashboard calling its own API back (same address, nothing forwarded) is not counted again", async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${app.baseUrl}/u/octocat`)).status).toBe(200);
  });
});

describe("per-user limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await start({});
  });

  it("each signed-in user has a quota of their own on the API", async () => {
    const ada = await signIn(app, db);
    const grace = await signIn(app, db);
    const me = (headers: Record<string, string>) => fetch(`${app.baseUrl}/api/users/me`, { headers });
    for (let i = 0; i < 4; i++) expect((await me(ada.headers)).status).toBe(200);
    await expectRateLimited(await me(ada.headers));
    expect((await me(grace.headers)).status).toBe(200);
    // Anonymous requests are not counted against anyone's account.
    expect((await fetch(`${app.baseUrl}/api/issues/search?q=logger`)).status).not.toBe(429);
  });

  it("a reader may set off one new deep dive per hour here; reading an existing one stays open", async () => {
    const reader = await signIn(app, db);
    const first = await seedIssue(db, { owner: `rl${randomInt(1e6)}`, repo: "first" });
    const second = await seedIssue(db, { owner: `rl${randomInt(1e6)}`, repo: "second" });
    const deepDive = (issueId: number, headers: Record<string, string> = reader.headers) => fetch(`${app.baseUrl}/api/issues/${issueId}/deep-dive`, { headers });
    expect([200, 202]).toContain((await deepDive(first.issueId)).status);
    const refused = await deepDive(second.issueId);
    const retryAfter = await expectRateLimited(refused);
    expect(retryAfter).toBeGreaterThan(60);
    // Refused before anything was claimed or queued.
    expect(await db.knex("deep_dives").where({ issue_id: second.issueId }).select("id")).toHaveLength(0);
    // The first issue's deep dive exists now: asking for it again generates nothing and is allowed.
    expect((await deepDive(first.issueId)).status).not.toBe(429);
    // Another reader has their own quota.
    const other = await signIn(app, db);
    expect((await deepDive(second.issueId, other.headers)).status).not.toBe(429);
  });
});

describe("configuration", () => {
  it("RATE_LIMITS overrides the named quotas and keeps the others; TRUST_PROXY takes hops or false", () => {
    const config = testConfig({ RATE_LIMITS: "auth=10/30, api=5000/60", TRUST_PROXY: "2" });
    expect(config.rateLimits.auth).toEqual({ points: 10, durationSeconds: 30 });
    expect(config.rateLimits.api).toEqual({ points: 5000, durationSeconds: 60 });
    expect(config.rateLimits.regenerate).toEqual(DEFAULT_RATE_LIMITS.regenerate);
    expect(config.trustProxy).toBe(2);
    expect(testConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(testConfig({}).trustProxy).toBe(false);
  });

  it("a malformed quota or proxy setting is refused at start, naming the variable", () => {
    for (const [name, value] of [
      ["RATE_LIMITS", "auth=ten/60"],
      ["RATE_LIMITS", "everything=1/60"],
      ["RATE_LIMITS", "auth=0/60"],
      ["TRUST_PROXY", "yes"],
    ] as const) {
      expect(() => testConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      try {
        testConfig({ [name]: value });
      } catch (error) {
        expect((error as ConfigError).problems.join("\n")).toContain(name);
      }
    }
  });
});

describe("a limiter whose Redis is unreachable", () => {
  it("keeps counting in memory instead of failing requests", async () => {
    const store = createLimiterStore("redis://127.0.0.1:1", `illuminate-test-${randomInt(1e9)}`);
    try {
      const limit = store.limit("fallback", { points: 2, durationSeconds: 60 });
      expect(await limit.consume("key")).toBe(0);
      expect(await limit.consume("key")).toBe(0);
      expect(await limit.consume("key")).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
