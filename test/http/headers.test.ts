import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Illuminate } from "../../src/create-illuminate.js";
import type { Db } from "../../src/db/types.js";
import { buildDashboard, startDashboardServer } from "../helpers/browser.js";
import { signWebhook } from "../helpers/github-webhooks.js";
import { startTestApp, silentLog, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

const PRODUCTION_ENV = {
  NODE_ENV: "production",
  SESSION_SECRET: "a-production-session-secret-of-at-least-32-chars",
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};

let db: Db;
const running: Array<{ close(): Promise<void> }> = [];
let development: string;
let production: string;
let setupMode: string;

/** One fingerprinted file of the dashboard build, served by the adapter under /_app/immutable/. */
function anAsset(): string {
  const dir = fileURLToPath(new URL("../../web/build/client/_app/immutable/entry/", import.meta.url));
  const file = readdirSync(dir).find((name) => name.endsWith(".js"));
  if (!file) throw new Error("the dashboard build has no entry chunk");
  return `/_app/immutable/entry/${file}`;
}

async function dashboard(env: Record<string, string>): Promise<string> {
  const { illuminate, baseUrl } = await startDashboardServer({ db, queue: createTestQueue(silentLog) }, env);
  running.push(illuminate as Illuminate);
  return baseUrl;
}

beforeAll(async () => {
  await buildDashboard();
  db = await createTestDb();
  development = await dashboard({});
  production = await dashboard(PRODUCTION_ENV);
  // Setup mode: no GitHub App yet, so /setup is served.
  const setup: TestApp = await startTestApp({ db, queue: createTestQueue(silentLog), env: { APP_ID: "", PRIVATE_KEY: "" } });
  running.push(setup);
  setupMode = setup.baseUrl;
}, 180_000);

afterAll(async () => {
  for (const server of running) await server.close();
  await db?.close();
});

function ping(): RequestInit {
  const body = JSON.stringify({ zen: "Design for failure.", hook_id: 1, hook: { type: "App", id: 1, events: ["issues"] } });
  return {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": `headers-${Date.now()}-${Math.floor(performance.now() * 1000)}`,
      "x-hub-signature-256": signWebhook(body),
    },
  };
}

/** Every route family, as a request a visitor (or GitHub) makes, and the status it answers. */
const FAMILIES: Array<{ family: string; path: string | (() => string); init?: () => RequestInit; status: number; kind: "api" | "page" | "prerendered" | "asset" | "svg" | "redirect" | "webhook" }> = [
  { family: "JSON API", path: "/api/health", status: 200, kind: "api" },
  { family: "JSON API error", path: "/api/issues/not-a-number", status: 400, kind: "api" },
  { family: "API 404", path: "/api/no-such-thing", status: 404, kind: "api" },
  { family: "webhook receiver", path: "/api/github/webhooks", init: ping, status: 200, kind: "webhook" },
  { family: "auth", path: "/auth/github", status: 302, kind: "redirect" },
  { family: "server-rendered page", path: "/search", status: 200, kind: "page" },
  { family: "sign-in page", path: "/signin", status: 200, kind: "page" },
  { family: "page 404", path: "/no-such-page", status: 404, kind: "page" },
  { family: "prerendered landing page", path: "/", status: 200, kind: "prerendered" },
  { family: "static asset", path: anAsset, status: 200, kind: "asset" },
  { family: "SVG widget", path: "/api/portfolio/octocat/widget", status: 200, kind: "svg" },
];

async function request(base: string, entry: (typeof FAMILIES)[number]): Promise<Response> {
  const path = typeof entry.path === "function" ? entry.path() : entry.path;
  return fetch(`${base}${path}`, { redirect: "manual", ...entry.init?.() });
}

function policy(response: Response): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of (response.headers.get("content-security-policy") ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values.join(" "));
  }
  return directives;
}

function expectCommonHeaders(response: Response) {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-powered-by")).toBeNull();
  expect(response.headers.get("referrer-policy")).toBe("same-origin");
  expect(response.headers.get("x-frame-options")).toMatch(/^(SAMEORIGIN|DENY)$/);
  expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
}

describe("security headers on every route family", () => {
  for (const entry of FAMILIES) {
    it(`${entry.family}: nosniff, no HSTS in development, and the family's own policy`, async () => {
      const response = await request(development, entry);
      expect(response.status).toBe(entry.status);
      expectCommonHeaders(response);
      expect(response.headers.get("strict-transport-security")).toBeNull();
      const csp = policy(response);
      const body = await response.text();

      switch (entry.kind) {
        case "api":
          expect(response.headers.get("content-type")).toMatch(/^application\/json/);
          expect(csp.get("default-src")).toBe("'none'");
          expect(csp.get("frame-ancestors")).toBe("'none'");
          expect(response.headers.get("cache-control")).toBe("no-store");
          break;
        case "page": {
          // SvelteKit's policy, with a fresh nonce that the page's own scripts carry.
          const nonce = /'nonce-([^']+)'/.exec(csp.get("script-src") ?? "")?.[1];
          expect(nonce, "script-src nonce").toBeDefined();
          expect(body).toContain(`nonce="${nonce}"`);
          expect(csp.get("object-src")).toBe("'none'");
          expect(csp.get("base-uri")).toBe("'none'");
          expect(csp.get("frame-ancestors")).toBe("'none'");
          expect(csp.get("script-src")).not.toContain("unsafe-inline");
          const again = policy(await request(development, entry));
          expect(again.get("script-src"), "a new nonce per response").not.toBe(csp.get("script-src"));
          break;
        }
        case "prerendered": {
          // Built once, so its scripts are allowed by hash in a <meta> policy; a meta policy cannot
          // refuse framing, so a header policy says that (and repeats object-src and base-uri).
          const meta = /<meta http-equiv="content-security-policy" content="([^"]*)"/i.exec(body)?.[1] ?? "";
          expect(meta).toMatch(/script-src 'self'/);
          expect(meta).toMatch(/object-src 'none'/);
          expect(meta).not.toMatch(/unsafe-inline|unsafe-eval/);
          expect(csp.get("frame-ancestors")).toBe("'none'");
          expect(csp.get("object-src")).toBe("'none'");
          expect(csp.get("base-uri")).toBe("'none'");
          break;
        }
        case "asset":
          expect(response.headers.get("content-type")).toMatch(/javascript/);
          expect(response.headers.get("cache-control")).toMatch(/immutable/);
          break;
        case "svg":
          expect(response.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
          expect(csp.get("default-src")).toBe("'none'");
          expect(body).toMatch(/^<svg/);
          break;
        case "redirect":
          expect(response.headers.get("location")).toMatch(/\/login\/oauth\/authorize\?/);
          expect(response.headers.get("cache-control")).toBe("no-store");
          break;
        case "webhook":
          break;
      }
    });
  }

  it("/setup (before the GitHub App exists): its own strict policy and no caching", async () => {
    const response = await fetch(`${setupMode}/setup`);
    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    const csp = policy(response);
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("in production every family also sends HSTS", async () => {
    for (const entry of FAMILIES) {
      const response = await request(production, entry);
      expect(response.status, entry.family).toBe(entry.status);
      expectCommonHeaders(response);
      expect(response.headers.get("strict-transport-security"), entry.family).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
      await response.arrayBuffer();
    }
  });
});
