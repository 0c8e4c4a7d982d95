import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import type { TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { getJson, sendJson, signIn, startMatchingApp, type Reader } from "../matching/matching-kit.js";
import { seedContribution } from "../portfolio/portfolio-test-kit.js";
import { growthDomain } from "./growth-kit.js";

let db: Db;
let queue: Queue;
let app: TestApp;
let ada: Reader;
let bob: Reader;
let adaContribution: number;
let adaPrivateContribution: number;
let bobContribution: number;

beforeAll(async () => {
  db = await createTestDb();
  queue = createTestQueue();
  app = await startMatchingApp(db, queue);
  ada = await signIn(app, db);
  bob = await signIn(app, db);
  adaContribution = await seedContribution(db.knex, { userId: ada.userId, githubId: ada.userId, login: ada.login }, { mergedAt: new Date(), repoFullName: "octo/lib", title: "Teach the parser about tabs" });
  adaPrivateContribution = await seedContribution(db.knex, { userId: ada.userId, githubId: ada.userId, login: ada.login }, { mergedAt: new Date(), repoFullName: "corp/secret", title: "Secret work", isPrivate: true });
  bobContribution = await seedContribution(db.knex, { userId: bob.userId, githubId: bob.userId, login: bob.login }, { mergedAt: new Date(), repoFullName: "octo/lib" });
});

afterAll(async () => {
  await app?.close();
  await queue?.close();
  await db?.close();
});

interface ReflectionJson {
  id: number;
  learned: string | null;
  hard: string | null;
  next: string | null;
  isPublic: boolean;
  contributionId: number | null;
  contribution: { title: string } | null;
}

const post = (reader: Reader, body: unknown) => sendJson<ReflectionJson & { error?: { code: string; message: string } }>(app, "POST", "/api/growth/reflections", reader, body);

describe("reflections", () => {
  it("refuses bad input with a 4xx and a message, and stores nothing", async () => {
    const huge = await fetch(`${app.baseUrl}/api/growth/reflections`, { method: "POST", headers: ada.headers, body: JSON.stringify({ learned: "x".repeat(300_000) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");

    const tooLong = await post(ada, { learned: "x".repeat(2_001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toContain("learned: at most 2000 characters");

    for (const body of [{}, { learned: "   ", hard: "" }, { learned: null }]) {
      const empty = await post(ada, body);
      expect(empty.status, JSON.stringify(body)).toBe(400);
      expect(empty.body.error?.message).toContain("write at least one of learned, hard or next");
    }
    expect((await post(ada, { learned: "ok", mood: "great" })).status).toBe(400);
    expect((await post(ada, { learned: "ok", isPublic: "yes" })).status).toBe(400);
    expect((await post(ada, { learned: "ok", contributionId: -3 })).status).toBe(400);

    const foreign = await post(ada, { learned: "I learned about someone else's work", contributionId: bobContribution });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: "contribution_not_found" });
    expect(foreign.body.error?.message).toContain(`You have no contribution ${bobContribution}`);

    const noSession = await fetch(`${app.baseUrl}/api/growth/reflections`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ learned: "x" }) });
    expect(noSession.status).toBe(401);
    expect(await db.knex("reflections").count({ n: "*" })).toEqual([{ n: 0 }]);
  });

  it("stores markup as text, private by default; lists, changes visibility and deletes only the owner's", async () => {
    const markup = `<script>alert("x")</script><b>bold</b> & "quotes"`;
    const created = await post(ada, { learned: markup, hard: "  Writing tests first  ", contributionId: adaContribution });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ learned: markup, hard: "Writing tests first", next: null, isPublic: false, contributionId: adaContribution, contribution: { title: "Teach the parser about tabs" } });

    const onPrivate = await post(ada, { next: "Ship the secret", contributionId: adaPrivateContribution, isPublic: true });
    expect(onPrivate.status).toBe(201);

    const list = await getJson<{ items: ReflectionJson[]; page: { total: number } }>(app, "/api/growth/reflections", ada);
    expect(list.body.page.total).toBe(2);
    expect(list.body.items.map((r) => r.id)).toEqual([onPrivate.body.id, created.body.id]);
    expect((await getJson<{ items: unknown[] }>(app, "/api/growth/reflections", bob)).body.items).toEqual([]);

    // Bob cannot see, change or delete Ada's.
    expect((await sendJson(app, "PATCH", `/api/growth/reflections/${created.body.id}`, bob, { isPublic: true })).status).toBe(404);
    expect((await sendJson(app, "DELETE", `/api/growth/reflections/${created.body.id}`, bob)).status).toBe(404);
    expect((await sendJson(app, "PATCH", `/api/growth/reflections/${created.body.id}`, ada, { isPublic: "true" })).status).toBe(400);

    // The public portfolio gets public ones only, and never a private contribution's details.
    const growth = growthDomain(app);
    let shown = await growth.listPublicReflections(ada.userId);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ id: onPrivate.body.id, next: "Ship the secret", contribution: null });
    expect(JSON.stringify(shown)).not.toContain("Secret work");

    const made = await sendJson<ReflectionJson>(app, "PATCH", `/api/growth/reflections/${created.body.id}`, ada, { isPublic: true });
    expect(made.status).toBe(200);
    expect(made.body.isPublic).toBe(true);
    shown = await growth.listPublicReflections(ada.userId);
    expect(shown.map((r) => r.id)).toEqual([onPrivate.body.id, created.body.id]);
    expect(shown[1]).toMatchObject({ learned: markup, contribution: { title: "Teach the parser about tabs", repository: "octo/lib" } });

    const deleted = await sendJson(app, "DELETE", `/api/growth/reflections/${created.body.id}`, ada);
    expect(deleted.status).toBe(204);
    expect((await sendJson(app, "DELETE", `/api/growth/reflections/${created.body.id}`, ada)).status).toBe(404);
    expect((await growth.listPublicReflections(ada.userId)).map((r) => r.id)).toEqual([onPrivate.body.id]);

    const me = await getJson<{ reflections: ReflectionJson[] }>(app, "/api/growth/me", ada);
    expect(me.body.reflections.map((r) => r.id)).toEqual([onPrivate.body.id]);

    // Over HTTP, without signing in: only once Ada's portfolio is public.
    const publicUrl = `${app.baseUrl}/api/growth/u/${ada.login}/reflections`;
    expect((await fetch(publicUrl)).status).toBe(404);
    await db.knex("users").where({ id: ada.userId }).update({ public_portfolio: true });
    const open = await fetch(publicUrl);
    expect(open.status).toBe(200);
    expect(((await open.json()) as { reflections: Array<{ id: number }> }).reflections.map((r) => r.id)).toEqual([onPrivate.body.id]);
    const bad = await fetch(`${app.baseUrl}/api/growth/u/${encodeURIComponent("<script>")}/reflections`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_username");
  });

  it("the radar period must be a real, ordered range", async () => {
    for (const query of ["from=2025-02-01&to=2025-01-01", "from=yesterday", "to=2025-13-01", "days=30"]) {
      const answer = await getJson<{ error: { code: string; message: string } }>(app, `/api/growth/radar?${query}`, ada);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message.length, query).toBeGreaterThan(5);
    }
    const ok = await getJson<{ period: { from: string; to: string } }>(app, "/api/growth/radar?from=2025-01-01&to=2025-02-01T00:00:00Z", ada);
    expect(ok.status).toBe(200);
    expect(ok.body.period).toEqual({ from: "2025-01-01T23:59:59.999Z", to: "2025-02-01T00:00:00.000Z" });
  });
});
