import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { NotificationsDomain } from "../../src/notifications/create-notifications-domain.js";
import { commentEvent, issueEvent } from "../fixtures/github/derived-payloads.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation } from "../issues/helpers/index-test-app.js";
import { seedIssue, seedRepo, setProfile } from "../matching/matching-kit.js";
import { api, createUser, notificationsOf, sessionHeaders, type TestUser } from "./notifications-kit.js";

let db: Db;
let app: TestApp;
let notifications: NotificationsDomain;
let user: TestUser;
let headers: Record<string, string>;
const logLines: string[] = [];

interface Item {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  url: string | null;
  read: boolean;
  data: Record<string, unknown>;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
  unreadCount: number;
}

beforeAll(async () => {
  db = await createTestDb();
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  app = await startTestApp({ db, queue: createTestQueue(), deps: { log, webhookRetry: { attempts: 1, backoffMs: 10 } } });
  notifications = notificationsOf(app);
  user = await createUser(db, "inapp@example.com");
  headers = await sessionHeaders(app, db, user, new Date());
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe("without SMTP_URL (the embedded default)", () => {
  it("says once at boot that email is disabled, and shows it in the settings", async () => {
    const notices = logLines.filter((line) => line.includes("email notifications are disabled"));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!).msg).toContain("SMTP_URL");
    const settings = await api<{ emailEnabled: boolean }>(app, "GET", "/api/notifications/preferences", headers);
    expect(settings.status).toBe(200);
    expect(settings.body.emailEnabled).toBe(false);
  });

  it("keeps in-app notifications working and sends nothing", async () => {
    expect((await api(app, "PUT", "/api/notifications/preferences", headers, { kinds: { contribution: { email: "realtime" } } })).status).toBe(200);
    for (let i = 1; i <= 5; i++) {
      expect(await notifications.notify(user.userId, { kind: "contribution", title: `octo/repo#${i} was merged`, url: "/portfolio", dedupeKey: `c-${i}` })).toBe(true);
    }
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
    expect(await db.knex("notifications").where({ user_id: user.userId }).whereNotNull("emailed_at")).toHaveLength(0);
    expect((await api(app, "GET", "/api/notifications/unread-count", headers)).body).toEqual({ count: 5 });
  });
});

describe("the in-app API", () => {
  it("pages newest first with a cursor and filters unread", async () => {
    const first = await api<Page>(app, "GET", "/api/notifications?limit=2", headers);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => i.title)).toEqual(["octo/repo#5 was merged", "octo/repo#4 was merged"]);
    expect(first.body.unreadCount).toBe(5);
    const second = await api<Page>(app, "GET", `/api/notifications?limit=2&cursor=${first.body.nextCursor}`, headers);
    expect(second.body.items.map((i) => i.title)).toEqual(["octo/repo#3 was merged", "octo/repo#2 was merged"]);
    const third = await api<Page>(app, "GET", `/api/notifications?limit=2&cursor=${second.body.nextCursor}`, headers);
    expect(third.body.items.map((i) => i.title)).toEqual(["octo/repo#1 was merged"]);
    expect(third.body.nextCursor).toBeNull();

    const read = await api<Item>(app, "POST", `/api/notifications/${first.body.items[0]!.id}/read`, headers);
    expect(read.status).toBe(200);
    expect(read.body.read).toBe(true);
    const unread = await api<Page>(app, "GET", "/api/notifications?unread=true", headers);
    expect(unread.body.items.map((i) => i.title)).not.toContain("octo/repo#5 was merged");
    expect(unread.body.items).toHaveLength(4);
    expect((await api(app, "GET", "/api/notifications/unread-count", headers)).body).toEqual({ count: 4 });

    const all = await api<{ updated: number; unreadCount: number }>(app, "POST", "/api/notifications/read-all", headers);
    expect(all.body).toEqual({ updated: 4, unreadCount: 0 });
    expect((await api(app, "POST", "/api/notifications/read-all", headers)).body).toEqual({ updated: 0, unreadCount: 0 });
  });

  it("refuses bad input and other people's notifications", async () => {
    for (const query of ["cursor=abc", "cursor=-1", "limit=0", "limit=101", "unread=maybe", "colour=red"]) {
      const response = await api<{ error: { message: string } }>(app, "GET", `/api/notifications?${query}`, headers);
      expect(response.status, query).toBe(400);
      expect(response.body.error.message).toBeTruthy();
    }
    const stranger = await createUser(db);
    const theirs = await api<Page>(app, "GET", "/api/notifications", await sessionHeaders(app, db, stranger, new Date()));
    expect(theirs.body.items).toEqual([]);
    const mine = await db.knex("notifications").where({ user_id: user.userId }).first("id");
    const poke = await api(app, "POST", `/api/notifications/${mine.id}/read`, await sessionHeaders(app, db, stranger, new Date()));
    expect(poke.status).toBe(404);
    expect((await api(app, "POST", "/api/notifications/abc/read", headers)).status).toBe(400);
    expect((await fetch(`${app.baseUrl}/api/notifications`)).status).toBe(401);
  });

  it("records nothing for a kind turned off everywhere", async () => {
    await api(app, "PUT", "/api/notifications/preferences", headers, { kinds: { reflection: { inApp: false, email: "off" } } });
    expect(await notifications.notify(user.userId, { kind: "reflection", title: "What did you learn?", dedupeKey: "r-1" })).toBe(false);
    expect(await db.knex("notifications").where({ user_id: user.userId, kind: "reflection" })).toHaveLength(0);
  });
});

describe("event sources", () => {
  const ISSUE_ID = 7_420_001;

  it("turns a watched issue's change, delivered as a signed webhook through the inbox, into an in-app notification; a claim reads as one", async () => {
    await seedInstallation(db);
    expect((await deliver(app, db, "issues", issueEvent({ action: "opened", minute: 1, id: ISSUE_ID, number: 601 }))).status).toBe("processed");
    const watcher = await createUser(db);
    const watcherHeaders = await sessionHeaders(app, db, watcher, new Date());
    expect((await api(app, "POST", "/api/watchlist", watcherHeaders, { issueId: ISSUE_ID })).status).toBe(201);

    const labelled = issueEvent({ action: "labeled", minute: 2, id: ISSUE_ID, number: 601, labels: ["help wanted"], extra: { label: { name: "help wanted" } } });
    expect((await deliver(app, db, "issues", labelled)).status).toBe("processed");
    const claim = commentEvent({ action: "created", commentId: 88_001, body: "I'd like to work on this.", author: "eager-dev", minute: 3, issue: { id: ISSUE_ID, number: 601 } });
    expect((await deliver(app, db, "issue_comment", claim)).status).toBe("processed");

    const page = await waitFor(async () => {
      const answer = await api<Page>(app, "GET", "/api/notifications", watcherHeaders);
      return answer.body.items.length >= 2 ? answer.body : null;
    }, 10_000, "watch notifications");
    expect(page.items.map((i) => i.kind)).toEqual(["watched_issue", "watched_issue"]);
    expect(page.items[1]!.title).toMatch(/Codertocat\/Hello-World#601 was labelled "help wanted"/);
    expect(page.items[0]).toMatchObject({ title: "Codertocat/Hello-World#601 was claimed", url: "/issues/Codertocat/Hello-World/601", data: { claimed: true } });
    expect(page.items[0]!.body).toContain("New comment on Codertocat/Hello-World#601");
    expect(await db.knex("watch_events").where({ user_id: watcher.userId }).whereNull("delivered_at")).toHaveLength(0);

    // Collecting again (the schedule, a retried delivery) adds nothing.
    expect(await notifications.collectWatchEvents()).toBe(0);
    expect((await api<Page>(app, "GET", "/api/notifications", watcherHeaders)).body.items).toHaveLength(2);
  });

  it("tells opted-in users about feed items above their threshold, each issue once", async () => {
    const repo = await seedRepo(db, { fullName: "octo/matches", languages: { TypeScript: 9000 }, health: 0.9, medianResponseHours: 4 });
    const good = await seedIssue(db, repo, { title: "Fix the TypeScript parser for decorators", labels: ["good first issue", "bug"], body: "The parser in src/parse.ts fails on decorators" });
    const reader = await createUser(db);
    await setProfile(db, reader.userId, { skills: { typescript: 0.9 }, comfort: "beginner" });
    const readerHeaders = await sessionHeaders(app, db, reader, new Date());

    // Not opted in: nothing.
    await notifications.checkNewMatches();
    expect(await db.knex("notifications").where({ user_id: reader.userId })).toHaveLength(0);

    // Opted in with an unreachable threshold: nothing either.
    await api(app, "PUT", "/api/notifications/preferences", readerHeaders, { kinds: { new_match: { inApp: true } }, matchThreshold: 1 });
    await notifications.checkNewMatches();
    expect(await db.knex("notifications").where({ user_id: reader.userId })).toHaveLength(0);

    const feed = await api<{ items: Array<{ id: number; score: number }> }>(app, "GET", "/api/issues/feed", readerHeaders);
    const top = feed.body.items.find((i) => i.id === good);
    expect(top, JSON.stringify(feed.body)).toBeTruthy();
    await api(app, "PUT", "/api/notifications/preferences", readerHeaders, { matchThreshold: Math.max(0, top!.score - 0.01) });
    await notifications.checkNewMatches();
    await notifications.checkNewMatches();
    const page = await api<Page>(app, "GET", "/api/notifications", readerHeaders);
    const matches = page.body.items.filter((i) => i.kind === "new_match");
    expect(matches.map((m) => m.data.issueId)).toContain(good);
    expect(matches.filter((m) => m.data.issueId === good)).toHaveLength(1);
    expect(matches.every((m) => (m.data.score as number) >= top!.score - 0.01)).toBe(true);
    expect(matches.find((m) => m.data.issueId === good)!.title).toContain("octo/matches#");
  });
});
