import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { cookieNames } from "../../src/users/session/session-cookies.js";
import { signIn } from "../guidance/harness.js";
import { startTestApp, silentLog, testConfig, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

const PUBLIC_URL = "https://illuminate.example";
const PARTNER = "https://docs.illuminate.example";
const STRANGER = "https://evil.example";

let db: Db;
let app: TestApp;
let defaults: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog), env: { PUBLIC_URL, CORS_ORIGINS: `${PUBLIC_URL},${PARTNER}` } });
  defaults = await startTestApp({ db, queue: createTestQueue(silentLog), env: { PUBLIC_URL } });
});

afterAll(async () => {
  await app?.close();
  await defaults?.close();
  await db?.close();
});

const preflight = (base: string, origin: string, method = "POST") =>
  fetch(`${base}/api/users/me/skills`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type, x-csrf-token" },
  });

describe("CORS on the API", () => {
  it("a configured origin may read with credentials; the answer names that origin, never a wildcard", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`, { headers: { origin: PARTNER } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(PARTNER);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("another origin gets no CORS headers, so its browser keeps the answer from it", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`, { headers: { origin: STRANGER } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("a same-origin request without an Origin header is untouched apart from Vary", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("a preflight from a configured origin is answered 204 with the methods and headers our pages use", async () => {
    const response = await preflight(app.baseUrl, PARTNER);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(PARTNER);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-csrf-token");
    expect(Number(response.headers.get("access-control-max-age"))).toBeGreaterThan(0);
  });

  it("a preflight from any other origin is refused with the standard error shape", async () => {
    const response = await preflight(app.baseUrl, STRANGER, "DELETE");
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await response.json()).toEqual({ error: { code: "origin_not_allowed", message: expect.any(String) } });
  });

  it("CORS does not widen who may write: a configured second origin is still refused by the CSRF check", async () => {
    const reader = await signIn(app, db);
    // An https public URL names the cookies with the __Host- prefix.
    const cookie = reader.headers.cookie!.replace(/^illuminate_session=/, `${cookieNames(true).access}=`);
    const response = await fetch(`${app.baseUrl}/api/users/me/skills`, {
      method: "POST",
      headers: { ...reader.headers, cookie, origin: PARTNER },
      body: JSON.stringify({ skill: "typescript" }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("csrf_failed");
  });

  it("without CORS_ORIGINS only the public URL's origin is allowed", async () => {
    expect(testConfig({ PUBLIC_URL: `${PUBLIC_URL}/` }).corsOrigins).toEqual([PUBLIC_URL]);
    expect((await fetch(`${defaults.baseUrl}/api/health`, { headers: { origin: PUBLIC_URL } })).headers.get("access-control-allow-origin")).toBe(PUBLIC_URL);
    expect((await fetch(`${defaults.baseUrl}/api/health`, { headers: { origin: PARTNER } })).headers.get("access-control-allow-origin")).toBeNull();
    expect((await preflight(defaults.baseUrl, PARTNER)).status).toBe(403);
  });

  it("CORS_ORIGINS must list origins, not URLs with paths", () => {
    expect(() => testConfig({ CORS_ORIGINS: "https://illuminate.example/app" })).toThrow(/CORS_ORIGINS/);
    expect(() => testConfig({ CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
  });
});
