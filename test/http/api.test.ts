import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { startTestApp, silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

let db: Db;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog) });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const api = (path: string, init?: RequestInit) => fetch(`${app.baseUrl}${path}`, init);

describe("GET /api/health", () => {
  it("reports the database, the queue, Redis and the GitHub App", async () => {
    const response = await api("/api/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toMatchObject({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      database: { ok: true, kind: process.env.DATABASE_URL ? "pg" : "pglite" },
      queue: { ok: true, driver: process.env.REDIS_URL ? "bullmq" : "memory" },
      github: { appConfigured: true },
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe("GET /api/stats", () => {
  it("counts what the index and the inbox hold", async () => {
    await db.knex("installations").insert({ id: 1, account_login: "octo-org", account_id: 10, account_type: "Organization", target_type: "Organization" });
    const response = await api("/api/stats");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      installations: 1,
      repositories: 0,
      issuesIndexed: 0,
      openIssues: 0,
      deliveriesProcessed: 0,
      deliveriesPending: 0,
      lastDeliveryAt: null,
    });
  });
});

describe("bad input gets a JSON 4xx, never a 500 or a hang", () => {
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = await response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
  };

  it("an unknown API route answers 404", async () => {
    await expectError(await api("/api/nope"), 404, "not_found");
    await expectError(await api("/api/health/extra", { method: "DELETE" }), 404, "not_found");
  });

  it("malformed JSON answers 400", async () => {
    await expectError(await api("/api/anything", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a": ' }), 400, "invalid_json");
  });

  it("a body that is not JSON answers 415", async () => {
    await expectError(await api("/api/anything", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" }), 415, "unsupported_media_type");
  });

  it("an oversized body answers 413", async () => {
    const big = JSON.stringify({ text: "x".repeat(200_000) });
    await expectError(await api("/api/anything", { method: "POST", headers: { "content-type": "application/json" }, body: big }), 413, "payload_too_large");
  });

  it("a request id is returned, and a sane incoming one is kept", async () => {
    const response = await api("/api/health", { headers: { "x-request-id": "abc-12345678" } });
    expect(response.headers.get("x-request-id")).toBe("abc-12345678");
    const generated = await api("/api/health", { headers: { "x-request-id": "<script>" } });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("every other path goes to the dashboard", async () => {
    const response = await api("/feed");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("dashboard");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("setup mode", () => {
  it("without the App's credentials, webhooks answer 503 and /setup offers the manifest flow", async () => {
    const setupDb = await createTestDb();
    const setup = await startTestApp({ db: setupDb, queue: createTestQueue(silentLog), env: { APP_ID: "", PRIVATE_KEY: "", PUBLIC_URL: "https://illuminate.example.org" } });
    try {
      const hook = await fetch(`${setup.baseUrl}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(hook.status).toBe(503);
      expect((await hook.json()).error.code).toBe("app_not_configured");
      expect(Number((await setupDb.knex("webhook_deliveries").count({ n: "*" }))[0]!.n)).toBe(0);

      const health = await (await fetch(`${setup.baseUrl}/api/health`)).json();
      expect(health.github).toEqual({ appConfigured: false, setupUrl: "/setup" });

      const page = await fetch(`${setup.baseUrl}/setup?organization=octo-org`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('action="https://github.com/organizations/octo-org/settings/apps/new?state=');
      const manifest = JSON.parse(
        html
          .match(/name="manifest" value="([^"]+)"/)![1]!
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&amp;/g, "&"),
      );
      expect(manifest.hook_attributes.url).toBe("https://illuminate.example.org/api/github/webhooks");
      expect(manifest.redirect_url).toBe("https://illuminate.example.org/setup/callback");
      expect(manifest.default_permissions).toEqual({ issues: "write", pull_requests: "read", contents: "read", metadata: "read" });
      expect(manifest.default_events).toEqual(["issues", "issue_comment", "label", "pull_request", "push", "repository"]);
      expect(page.headers.get("set-cookie")).toMatch(/illuminate_setup_state=.*HttpOnly/);

      const bad = await fetch(`${setup.baseUrl}/setup?organization=${encodeURIComponent("<evil>")}`);
      expect(bad.status).toBe(400);
    } finally {
      await setup.close();
      await setupDb.close();
    }
  });
});
