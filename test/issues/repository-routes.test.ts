import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { gqlIssue, gqlRepository, issuePage, rateLimit, type GraphqlRequestBody } from "../fixtures/github/graphql-payloads.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdef";
let db: Db;
let app: IndexTestApp;

beforeEach(async () => {
  db = await createTestDb();
  app = await startIndexApp({ db, queue: createTestQueue(), env: { ADMIN_TOKEN, CRAWLER_GITHUB_TOKEN: "ghp_crawler", TRACKED_REPOS: "seed-org/seeded" } });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const api = (path: string, init: RequestInit & { admin?: boolean } = {}) =>
  fetch(`${app.baseUrl}/api${path}`, {
    ...init,
    headers: {
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...(init.admin === false ? {} : { authorization: `Bearer ${ADMIN_TOKEN}` }),
      ...init.headers,
    },
  });

describe("the tracked-repositories API", () => {
  it("tracking a repository crawls it now and lists it, once however often it is asked", async () => {
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => body.query.includes("CrawlProbe") && body.variables.owner0 === "acme" && body.variables.name0 === "widgets")
      .reply(200, { data: { rateLimit: rateLimit(4990), r0: gqlRepository({ databaseId: 5101, nameWithOwner: "acme/widgets", changed: 1 }), m0: { issueCount: 3 }, c0: { issueCount: 1 } } })
      .post("/graphql", (body: GraphqlRequestBody) => body.query.includes("CrawlIssues"))
      .reply(200, { data: { rateLimit: rateLimit(4989), r0: { issues: issuePage([gqlIssue({ databaseId: 61001, number: 7, updatedAt: "2024-03-02T00:00:00Z" })]) } } });

    const created = await api("/repos/track", { method: "POST", body: JSON.stringify({ fullName: "https://github.com/acme/widgets" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ fullName: "acme/widgets", status: "pending", keptFreshBy: "crawler" });
    await waitFor(async () => (await db.knex("issues").where({ id: 61001 }).first()) ?? undefined, 10_000, "crawled issue");
    scope.done();

    const again = await api("/repos/track", { method: "POST", body: JSON.stringify({ fullName: "ACME/widgets" }) });
    expect(again.status).toBe(200);
    const list = await (await api("/repos")).json();
    expect(list.nextCursor).toBeNull();
    expect(list.repositories.map((r: { fullName: string; status: string; source: string }) => [r.fullName, r.status, r.source])).toEqual([
      ["seed-org/seeded", expect.any(String), "seed"],
      ["acme/widgets", "active", "api"],
    ]);

    const detail = await (await api("/repos/acme/widgets")).json();
    expect(detail).toMatchObject({
      repository: { id: 5101, fullName: "acme/widgets", language: "TypeScript", trackedVia: "crawler", archived: false },
      tracked: { status: "active", source: "api" },
      crawl: { status: "idle" },
    });
  });

  it("untracking removes it; untracking again is a 404", async () => {
    nock("https://api.github.com").post("/graphql").reply(200, { data: { rateLimit: rateLimit(4990), r0: null }, errors: [{ type: "NOT_FOUND", path: ["r0"], message: "nope" }] });
    expect((await api("/repos/track", { method: "POST", body: JSON.stringify({ fullName: "acme/gizmo" }) })).status).toBe(201);
    expect((await api("/repos/track/acme/gizmo", { method: "DELETE" })).status).toBe(204);
    const missing = await api("/repos/track/acme/gizmo", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: "acme/gizmo is not tracked" } });
  });

  it("writes need the admin token", async () => {
    const anonymous = await api("/repos/track", { method: "POST", body: JSON.stringify({ fullName: "acme/widgets" }), admin: false });
    expect(anonymous.status).toBe(401);
    const wrong = await api("/repos/track", { method: "POST", body: JSON.stringify({ fullName: "acme/widgets" }), admin: false, headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await api("/repos/track/acme/widgets", { method: "DELETE", admin: false })).status).toBe(401);
    expect((await api("/index/syncs", { admin: false })).status).toBe(401);
    expect(await db.knex("tracked_repositories").whereRaw("full_name = 'acme/widgets'")).toHaveLength(0);
  });

  it.each([
    [{}, "fullName"],
    [{ fullName: "not-a-repo" }, "expected owner/name"],
    [{ fullName: "a/b/c" }, "expected owner/name"],
    [{ fullName: "../etc" }, "expected owner/name"],
    [{ fullName: 42 }, "fullName"],
    [{ fullName: "acme/widgets", extra: true }, "extra"],
  ])("a bad body %j is a 400 that says what is wrong", async (body, message) => {
    const response = await api("/repos/track", { method: "POST", body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain(message);
  });

  it("other bad requests get clear 4xx answers", async () => {
    const notJson = await api("/repos/track", { method: "POST", body: "fullName=acme/widgets", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(notJson.status).toBe(415);
    expect((await api("/repos/nobody/nothing")).status).toBe(404);
    expect((await api("/repos/bad%20owner/x")).status).toBe(400);
    expect((await api("/repos?limit=5000")).status).toBe(400);
    expect((await api("/repos/nobody/nothing/backfill", { method: "POST" })).status).toBe(404);
  });

  it("a backfill is refused for a repository the App is not installed on", async () => {
    await db.knex("repositories").insert({ id: 5102, owner: "acme", name: "crawled", full_name: "acme/crawled", tracked_via: "crawler" });
    const response = await api("/repos/acme/crawled/backfill", { method: "POST" });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("not_installed");
  });
});
