import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import express, { type RequestHandler } from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const handlerFile = `${root}web/build/handler.js`;

type ApiMode = "up" | "error" | "unreachable" | "degraded";

/** What the fake API answers; each test sets what it needs. */
const api = {
  mode: "up" as ApiMode,
  appConfigured: true,
  errorMessage: "the database is not answering",
  cookiesSeen: [] as (string | undefined)[],
  requestIdsSeen: [] as (string | undefined)[],
};

const stats = {
  installations: 7,
  repositories: 314,
  issuesIndexed: 27_182,
  openIssues: 1_618,
  deliveriesProcessed: 4_669,
  deliveriesPending: 3,
  lastDeliveryAt: "2025-11-28T14:03:00.000Z",
};

function health(status: "ok" | "degraded") {
  return {
    status,
    version: "9.8.7",
    uptimeSeconds: 3_725,
    database: { ok: status === "ok", kind: "pglite" },
    queue: { ok: true, driver: "memory" },
    redis: { ok: false, configured: false },
    github: api.appConfigured ? { appConfigured: true } : { appConfigured: false, setupUrl: "/setup" },
  };
}

/** A small stand-in for the JSON API that the real server mounts in front of the dashboard. */
function fakeApi(): express.Router {
  const router = express.Router();
  router.use((req, res, next) => {
    api.cookiesSeen.push(req.headers.cookie);
    api.requestIdsSeen.push(req.get("x-request-id"));
    if (api.mode === "unreachable") {
      req.socket.destroy();
      return;
    }
    if (api.mode === "error") {
      res.status(503).json({ error: { code: "unavailable", message: api.errorMessage } });
      return;
    }
    next();
  });
  router.get("/health", (_req, res) => {
    // The real endpoint answers 503 with its full body when the database is down.
    if (api.mode === "degraded") res.status(503).json(health("degraded"));
    else res.json(health("ok"));
  });
  router.get("/stats", (_req, res) => {
    res.json(stats);
  });
  return router;
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // Building takes seconds; the script skips it when web/build is newer than its sources.
  await promisify(execFile)(process.execPath, [`${root}scripts/build-web.mjs`, "--if-missing"], { cwd: root }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`building the dashboard failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    },
  );
  // A computed specifier: the build has no type declarations, and tsc must not look for them.
  const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: RequestHandler };

  const app = express();
  // As the real server's request context does; the dashboard passes the id on to the API.
  app.use((req, _res, next) => {
    Object.assign(req, { id: "page-request-1" });
    next();
  });
  app.use("/api", fakeApi());
  app.use(handler);
  server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  api.mode = "up";
  api.appConfigured = true;
  api.cookiesSeen = [];
  api.requestIdsSeen = [];
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe("dashboard pages rendered on the server", () => {
  it("serves the home page as the prerendered landing page, without asking the API", async () => {
    const { status, headers, html } = await get("/", { cookie: "session=abc123" });

    expect(status).toBe(200);
    expect(html).toContain("Find an issue that fits.");
    expect(html).toContain('href="/auth/github"');
    expect(html).not.toContain("<script");
    expect(headers.get("etag")).toBeTruthy();
    expect(api.cookiesSeen).toEqual([]);
  });

  it("shows the live figures from /api/stats on the status page", async () => {
    const { status, html } = await get("/status");

    expect(status).toBe(200);
    expect(html).toContain("Live figures");
    for (const figure of ["7", "314", "27,182", "4,669"]) expect(html).toContain(`<dd>${figure}</dd>`);
    expect(html).toContain("1,618 open issues");
    expect(html).toContain("All systems working");
    expect(html).toContain("Version 9.8.7");
  });

  it("shows the setup banner, linking the setup page, while the GitHub App is not registered", async () => {
    api.appConfigured = false;

    const { html } = await get("/feed");

    expect(html).toContain("Setup mode: the GitHub App is not registered yet");
    expect(html).toContain('href="/setup"');
    expect(html).toContain("GITHUB_CLIENT_SECRET");
    expect(html).not.toContain('href="/auth/github"');
  });

  it("shows no setup banner once the app is registered, and offers sign-in instead", async () => {
    const { html } = await get("/feed");

    expect(html).not.toContain("Setup mode");
    expect(html).toContain('href="/auth/github"');
    expect(html).toContain("to see issues ranked for you");
  });

  it("answers an unknown path with 404 and the error page", async () => {
    const { status, html } = await get("/no/such/page");

    expect(status).toBe(404);
    expect(html).toContain("Page not found");
    expect(html).toContain("/no/such/page");
    expect(html).toContain('href="/"');
  });

  it("answers 404 for an issue address whose number is not a number", async () => {
    expect((await get("/issues/octo-org/octo-repo/12")).status).toBe(200);
    expect((await get("/issues/octo-org/octo-repo/twelve")).status).toBe(404);
  });

  it("sends a content security policy whose nonce matches the page's scripts", async () => {
    const { headers, html } = await get("/status");
    const policy = headers.get("content-security-policy") ?? "";

    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("img-src 'self' data: https://avatars.githubusercontent.com");
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
  });

  it("still renders the status page with 200 and says what is unavailable when the API answers errors", async () => {
    api.mode = "error";
    api.errorMessage = "database <gone>";

    const { status, html } = await get("/status");

    expect(status).toBe(200);
    expect(html).toContain("Live figures are unavailable");
    expect(html).toContain("System status is unavailable");
    expect(html).toContain("The Illuminate API is unavailable");
    expect(html).toContain("database &lt;gone>");
    expect(html).not.toContain("<gone>");
  });

  it("still renders with 200 when the API cannot be reached at all", async () => {
    api.mode = "unreachable";

    const { status, html } = await get("/status");

    expect(status).toBe(200);
    expect(html).toContain("Live figures are unavailable: the API could not be reached");
  });

  it("shows a degraded status when the health check answers 503 with its report", async () => {
    api.mode = "degraded";

    const { status, html } = await get("/status");

    expect(status).toBe(200);
    expect(html).toContain("Degraded");
    expect(html).toContain("Failing");
    expect(html).not.toContain("System status is unavailable");
  });

  it("passes the visitor's cookies and the request id on to the API", async () => {
    await get("/status", { cookie: "session=abc123" });

    expect(api.cookiesSeen).toEqual(["session=abc123", "session=abc123"]);
    expect(api.requestIdsSeen).toEqual(["page-request-1", "page-request-1"]);
  });
});
