import nock from "nock";
import packageJson from "../../package.json" with { type: "json" };
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "../../src/db/types.js";
import { listApiRoutes, listDescribedRoutes, type DescribedRoute } from "../../src/http/api-spec.js";
import { listRoutes } from "../../src/http/list-routes.js";
import { commonErrors, toOpenApiPath } from "../../src/http/openapi.js";
import { seedIssue, seedRepo, signIn, type Reader } from "../matching/matching-kit.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

/**
 * Routes the OpenAPI document leaves out on purpose, each with why. Everything else the app
 * registers must be described, so a new route without a schema fails here.
 */
const NOT_JSON_API: Record<string, string> = {
  "POST /api/github/webhooks": "GitHub's webhook receiver: signed raw body, described by GitHub's own webhook schemas",
  "GET /metrics": "Prometheus text exposition, see docs/observability.md",
  "GET /auth/github": "browser redirect to GitHub's OAuth consent page",
  "GET /auth/github/callback": "OAuth callback: a browser redirect, not JSON",
  "POST /auth/github/callback": "OAuth callback (form_post): a browser redirect, not JSON",
  "GET /auth/refresh": "browser redirect that rotates the session cookies",
  "POST /auth/refresh": "rotates the session cookies for the dashboard's server",
  "POST /auth/logout": "HTML form post that clears the cookies and redirects",
  "POST /auth/sample": "HTML form post that signs in as the sample contributor",
  "GET /install": "browser redirect to the GitHub App's installation page",
  "GET /setup": "HTML page of the GitHub App manifest flow",
  "GET /setup/callback": "browser redirect of the GitHub App manifest flow",
  "GET /notifications/unsubscribe": "HTML page reached from an email link",
  "POST /notifications/unsubscribe": "HTML form post and RFC 8058 one-click unsubscribe",
};

const ERROR_SHAPE = z.object({ error: z.object({ code: z.string().min(1), message: z.string().min(1) }).loose() }).strict();

let db: Db;
let app: TestApp;
let reader: Reader;
let issueId: number;
let issueNumber: number;
const repo = { owner: "octo-org", name: "widgets" };

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(silentLog) });
  const repositoryId = await seedRepo(db, { fullName: `${repo.owner}/${repo.name}`, languages: { TypeScript: 1000 } });
  issueId = await seedIssue(db, repositoryId, { title: "Document the widget options", labels: ["good first issue"] });
  issueNumber = Number((await db.knex("issues").where({ id: issueId }).first("number")).number);
  reader = await signIn(app, db);
  await db.knex("users").where({ id: reader.userId }).update({ public_portfolio: true, bio: "I fix docs" });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const get = (path: string) => fetch(`${app.baseUrl}${path}`, { headers: { ...reader.headers, authorization: "" } });

const fill = (path: string) =>
  path
    .replace(":id", String(issueId))
    .replace(":owner", repo.owner)
    .replace(":name", repo.name)
    .replace(":repo", repo.name)
    .replace(":number", String(issueNumber))
    .replace(":username", reader.login);

function documentedStatuses(route: DescribedRoute): Set<number> {
  return new Set([...Object.keys(route.spec.responses), ...Object.keys(route.spec.errors ?? {}), ...Object.keys(commonErrors(route.spec))].map(Number));
}

describe("the OpenAPI document", () => {
  it("describes every registered route but the few listed with a reason", () => {
    const undescribed = listApiRoutes(app.illuminate.app)
      .filter((route) => route.spec === null)
      .map((route) => `${route.method} ${route.path}`)
      .filter((key) => !(key in NOT_JSON_API));
    expect(undescribed).toEqual([]);
    // And every route the walk finds is the same set listRoutes reports.
    expect(listApiRoutes(app.illuminate.app).map((r) => `${r.method} ${r.path}`)).toEqual(listRoutes(app.illuminate.app).map((r) => `${r.method} ${r.path}`));
  });

  it("is served at /api/openapi.json as structurally valid OpenAPI 3.1", async () => {
    const response = await fetch(`${app.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      info: { title: string; version: string };
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, { description: string }>; parameters: Array<{ name: string; in: string; required: boolean }> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
    };
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBe(packageJson.version);
    expect(document.servers).toEqual([{ url: app.illuminate.config.publicUrl }]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["adminToken", "session"]);
    expect(document.components.schemas.Error).toBeTruthy();

    const operationIds = new Set<string>();
    for (const route of listDescribedRoutes(app.illuminate.app)) {
      const path = toOpenApiPath(route.path);
      expect(path).not.toContain(":");
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${path}`).toBeTruthy();
      expect(operationIds.has(operation!.operationId)).toBe(false);
      operationIds.add(operation!.operationId);
      expect(Object.keys(operation!.responses).length).toBeGreaterThan(0);
      for (const answer of Object.values(operation!.responses)) expect(answer.description).toBeTruthy();
      // Each {param} in the path is a required path parameter.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(operation!.parameters).toContainEqual(expect.objectContaining({ name, in: "path", required: true }));
      }
    }
    // Every operation in the document is a served route.
    const served = new Set(listDescribedRoutes(app.illuminate.app).map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`));
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) expect(served.has(`${method} ${path}`), `${method} ${path}`).toBe(true);
    }
  });
});

describe("responses match their declared schemas", () => {
  it("every described JSON GET answers, on a seeded app, with a body its schema accepts", async () => {
    const routes = listDescribedRoutes(app.illuminate.app).filter((r) => r.method === "GET");
    expect(routes.length).toBeGreaterThan(20);
    const checked: string[] = [];
    for (const route of routes) {
      const declared = Object.values(route.spec.responses);
      if (!declared.some((r) => r.schema)) continue; // not JSON: the widget's SVG, the export's attachment
      const response = await get(fill(route.path));
      const label = `${route.method} ${route.path} → ${response.status}`;
      const body: unknown = await response.json();
      const answer = route.spec.responses[response.status];
      if (answer) {
        expect(answer.schema, label).toBeTruthy();
        const parsed = answer.schema!.safeParse(body);
        expect(parsed.success ? "matches" : z.prettifyError(parsed.error), label).toBe("matches");
        checked.push(label);
      } else {
        // An error is fine when documented (for example a maintainer-only route), in the one shape.
        expect(documentedStatuses(route).has(response.status), label).toBe(true);
        expect(response.status, label).toBeGreaterThanOrEqual(400);
        expect(response.status, label).toBeLessThan(500);
        expect(ERROR_SHAPE.safeParse(body).success, label).toBe(true);
      }
    }
    // Most answer successfully: the seed covers them.
    expect(checked.length).toBeGreaterThan(routes.length * 0.7);
  });
});

describe("bad input gets a 4xx in the one error shape on every described route", () => {
  it("refuses an unknown query parameter", async () => {
    for (const route of listDescribedRoutes(app.illuminate.app)) {
      if (route.spec.query && !(route.spec.query instanceof z.ZodObject)) continue; // free-form options (the widget)
      const headers: Record<string, string> = { ...reader.headers };
      const response = await fetch(`${app.baseUrl}${fill(route.path)}?definitelyNotAParameter=1`, { method: route.method, headers, body: route.spec.body ? "{}" : undefined });
      const label = `${route.method} ${route.path} → ${response.status}`;
      expect(response.status, label).toBeGreaterThanOrEqual(400);
      expect(response.status, label).toBeLessThan(500);
      expect(ERROR_SHAPE.safeParse(await response.json()).success, label).toBe(true);
    }
  });

  it("refuses an ill-typed body", async () => {
    for (const route of listDescribedRoutes(app.illuminate.app)) {
      if (route.method === "GET") continue;
      const response = await fetch(`${app.baseUrl}${fill(route.path)}`, { method: route.method, headers: reader.headers, body: JSON.stringify({ unexpected: [1, { nested: true }] }) });
      const label = `${route.method} ${route.path} → ${response.status}`;
      expect(response.status, label).toBeGreaterThanOrEqual(400);
      expect(response.status, label).toBeLessThan(500);
      const body: unknown = await response.json();
      expect(ERROR_SHAPE.safeParse(body).success, label).toBe(true);
    }
  });

  it("refuses an ill-typed path parameter with invalid_request", async () => {
    const response = await get("/api/issues/not-a-number");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    const query = await get("/api/notifications?limit=many");
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});
