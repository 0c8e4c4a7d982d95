import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { recordWatchEvents } from "../../src/matching/watchlist/record-watch-events.js";
import { EXAMPLE_REPOSITORY_ID, issueEvent } from "../fixtures/github/derived-payloads.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation } from "../issues/helpers/index-test-app.js";
import { clock, getJson, sendJson, signIn, type Reader } from "./matching-kit.js";

let db: Db;
let app: TestApp;
let reader: Reader;
const ISSUE_ID = 7_310_001;

beforeAll(async () => {
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(), deps: { now: () => clock.now, webhookRetry: { attempts: 1, backoffMs: 10 } } });
  await seedInstallation(db);
  reader = await signIn(app, db);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe("issue skills from webhooks", () => {
  it("derives skills, kind of work and readiness when an issue is opened and again when it is relabelled", async () => {
    const opened = issueEvent({ action: "opened", minute: 1, id: ISSUE_ID, number: 501, labels: ["good first issue", "documentation"] });
    expect((await deliver(app, db, "issues", opened)).status).toBe("processed");
    expect(await db.knex("issue_features").where({ issue_id: ISSUE_ID }).first()).toMatchObject({ work_kind: "docs", difficulty: "beginner", not_ready: false });
    expect(await db.knex("issue_skills").where({ issue_id: ISSUE_ID, skill: "docs" }).first()).toBeTruthy();

    const relabelled = issueEvent({ action: "labeled", minute: 2, id: ISSUE_ID, number: 501, labels: ["question"] });
    expect((await deliver(app, db, "issues", relabelled)).status).toBe("processed");
    expect(await db.knex("issue_features").where({ issue_id: ISSUE_ID }).first()).toMatchObject({ not_ready: true, work_kind: null });
    expect(await db.knex("issue_skills").where({ issue_id: ISSUE_ID, skill: "docs" }).first()).toBeUndefined();
  });
});

describe("watchlist", () => {
  it("watches an issue and a repository, lists them, and removes one", async () => {
    const issue = await sendJson<{ id: number; kind: string }>(app, "POST", "/api/watchlist", reader, { issueId: ISSUE_ID });
    expect(issue.status).toBe(201);
    expect(issue.body.kind).toBe("issue");
    expect((await sendJson(app, "POST", "/api/watchlist", reader, { issueId: ISSUE_ID })).status).toBe(200);
    const repo = await sendJson<{ id: number; repository: { fullName: string } }>(app, "POST", "/api/watchlist", reader, { repository: "codertocat/hello-world" });
    expect(repo.status).toBe(201);
    expect(repo.body.repository.fullName).toBe("Codertocat/Hello-World");

    const listed = await getJson<{ items: Array<{ id: number; kind: string }> }>(app, "/api/watchlist", reader);
    expect(listed.body.items.map((i) => i.kind).sort()).toEqual(["issue", "repository"]);
    const removed = await sendJson(app, "DELETE", `/api/watchlist/${repo.body.id}`, reader);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await sendJson(app, "DELETE", `/api/watchlist/${repo.body.id}`, reader)).status).toBe(404);
    expect((await getJson<{ items: unknown[] }>(app, "/api/watchlist", reader)).body.items).toHaveLength(1);
  });

  it("refuses bad targets with a message", async () => {
    for (const body of [{}, { issueId: -1 }, { issueId: 1, repository: "a/b" }, { repository: "not a repo" }, { colour: "red" }]) {
      const response = await sendJson<{ error: { message: string } }>(app, "POST", "/api/watchlist", reader, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.message).toBeTruthy();
    }
    expect((await sendJson(app, "POST", "/api/watchlist", reader, { issueId: 424242 })).status).toBe(404);
    expect((await sendJson(app, "POST", "/api/watchlist", reader, { repository: "nobody/nothing" })).status).toBe(404);
  });

  it("records one durable event per watcher when a watched issue changes, never for the actor, never twice", async () => {
    const actor = await signIn(app, db);
    await db.knex("users").where({ id: actor.userId }).update({ login: "octocat-closer" });
    await sendJson(app, "POST", "/api/watchlist", actor, { issueId: ISSUE_ID });
    const closed = issueEvent({ action: "closed", minute: 3, id: ISSUE_ID, number: 501, state: "closed", extra: { sender: { login: "octocat-closer", id: 1 } } });
    expect((await deliver(app, db, "issues", closed)).status).toBe("processed");

    const events = await getJson<{ events: Array<{ kind: string; summary: string; issueId: number }> }>(app, "/api/watchlist", reader);
    expect(events.body.events).toEqual([expect.objectContaining({ kind: "issues.closed", issueId: ISSUE_ID })]);
    expect(events.body.events[0]!.summary).toMatch(/Codertocat\/Hello-World#501 was closed by octocat-closer/);
    expect((await getJson<{ events: unknown[] }>(app, "/api/watchlist", actor)).body.events).toEqual([]);

    const stored = await db.knex("webhook_deliveries").orderBy("id", "desc").first();
    const replay = { id: stored.id, deliveryId: stored.delivery_id, event: "issues", action: "closed", installationId: null, payload: closed, receivedAt: new Date() };
    expect(await recordWatchEvents(db.knex, replay)).toBe(0);
    expect(await recordWatchEvents(db.knex, { ...replay, deliveryId: "another-delivery" })).toBe(1);
    const [counted] = await db.knex("watch_events").where({ repository_id: EXAMPLE_REPOSITORY_ID }).count({ n: "*" });
    expect(Number(counted?.n)).toBe(2);
  });
});
