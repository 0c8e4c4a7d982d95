import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { loadConfig } from "../../src/config.js";
import { sampleAllowed } from "../../src/sample/create-sample-data.js";
import { testPrivateKey } from "../helpers/github-webhooks.js";
import { startTestApp, testConfig, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadSmallSample, startSetupModeApp } from "./sample-test-app.js";

let db: Db;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startSetupModeApp(db);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const post = (base: string, headers: Record<string, string>) =>
  fetch(`${base}/auth/sample`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: "" });
const sameSite = () => ({ origin: new URL(app.illuminate.config.publicUrl).origin, "sec-fetch-site": "same-origin" });
const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]!);

describe("exploring as the sample contributor", () => {
  it("is refused while no sample is loaded", async () => {
    const response = await post(app.baseUrl, { ...sameSite(), accept: "application/json" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "sample_not_loaded", message: expect.stringContaining("sample:reset") } });
  });

  it("a form post from the dashboard signs in as the sample contributor with an ordinary session", async () => {
    await loadSmallSample(app, { issues: 10 });
    const response = await post(app.baseUrl, sameSite());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/feed");
    const cookies = cookiesOf(response);
    expect(cookies.map((c) => c.split("=")[0]).sort()).toEqual(["illuminate_csrf", "illuminate_refresh", "illuminate_session"]);
    const me = await fetch(`${app.baseUrl}/api/users/me`, { headers: { cookie: cookies.join("; ") } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { login: "sample-contributor" } });
    const skills = await fetch(`${app.baseUrl}/api/users/me/skills`, { headers: { cookie: cookies.join("; ") } });
    expect(((await skills.json()) as { skills: unknown[] }).skills).toHaveLength(6);
  }, 90_000);

  it("refuses a post from another site, or one that does not say where it comes from", async () => {
    const attempts: Array<Record<string, string>> = [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }, {}];
    for (const headers of attempts) {
      const response = await post(app.baseUrl, { ...headers, accept: "application/json" });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "csrf_failed" } });
      expect(cookiesOf(response)).toEqual([]);
    }
  });

  it("is refused on a server with a GitHub App, and never allowed in production", async () => {
    const configured = await startTestApp({ db, queue: createTestQueue() });
    try {
      const response = await post(configured.baseUrl, { ...sameSite(), accept: "application/json" });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "sample_unavailable" } });
    } finally {
      await configured.close();
    }
    expect(sampleAllowed(testConfig({ APP_ID: "", PRIVATE_KEY: "" }))).toBe(true);
    const production = loadConfig({
      NODE_ENV: "production",
      WEBHOOK_SECRET: "a-real-secret",
      SESSION_SECRET: "x".repeat(40),
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
      PUBLIC_URL: "https://illuminate.example",
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey,
      GITHUB_CLIENT_ID: "Iv1.x",
      GITHUB_CLIENT_SECRET: "y",
    });
    expect(sampleAllowed(production)).toBe(false);
    expect(sampleAllowed({ ...production, github: { ...production.github, appConfigured: false } })).toBe(false);
  });
});
