import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { NotificationsDomain } from "../../src/notifications/create-notifications-domain.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { api, createUser, notificationsOf, sessionHeaders, startSmtpServer, testClock, type ReceivedEmail, type TestUser } from "./notifications-kit.js";

let db: Db;
let app: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let notifications: NotificationsDomain;
let user: TestUser;
const clock = testClock;
const at = (iso: string) => (clock.now = new Date(iso));
const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

beforeAll(async () => {
  at("2026-11-29T10:00:00Z");
  smtp = await startSmtpServer();
  db = await createTestDb();
  app = await startTestApp({ db, queue: createTestQueue(), env: { SMTP_URL: smtp.url, EMAIL_FROM: "Illuminate <notify@illuminate.test>" }, deps: { now: () => clock.now } });
  notifications = notificationsOf(app);
  user = await createUser(db, "digest@example.com");
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await smtp?.close();
});

async function settle(): Promise<void> {
  // Queued dispatch runs (from real-time notifications) finish within a few ticks.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe("email digests over SMTP", () => {
  let digest: ReceivedEmail;

  it("groups a day's events into one email at the user's local hour, sent once however often the dispatcher runs", async () => {
    const headers = await sessionHeaders(app, db, user, clock.now);
    const put = await api(app, "PUT", "/api/notifications/preferences", headers, {
      timezone: "Asia/Tokyo",
      digestHour: 9,
      kinds: { watched_issue: { email: "daily" }, contribution: { email: "daily" }, reflection: { email: "off", inApp: true } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ emailEnabled: true, settings: { timezone: "Asia/Tokyo", digestHour: 9, kinds: { watched_issue: { email: "daily", inApp: true } } } });

    for (const [hour, kind, title] of [
      // 01:00, 03:00 and 05:00 on 30 November in Tokyo: before that day's digest hour, so no
      // dispatcher (the scheduled one included) may send any of them yet.
      ["16", "watched_issue", "octo/repo#1 was claimed"],
      ["18", "watched_issue", "New comment on octo/repo#2 by hubot: <b>Flaky</b> test"],
      ["20", "contribution", "octo/repo#3 was merged and joined your portfolio"],
    ] as const) {
      at(`2026-11-29T${hour}:00:00Z`);
      expect(await notifications.notify(user.userId, { kind, title, url: "/issues/octo/repo/1", dedupeKey: `test-${hour}` })).toBe(true);
    }
    // Repeats of a source event are absorbed by the dedupe key.
    expect(await notifications.notify(user.userId, { kind: "contribution", title: "again", dedupeKey: "test-20" })).toBe(false);

    at("2026-11-29T23:30:00Z"); // 08:30 in Tokyo: not yet
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
    expect(mailsTo("digest@example.com")).toHaveLength(0);

    at("2026-11-30T00:05:00Z"); // 09:05 in Tokyo
    const runs = await Promise.all([notifications.dispatch(), notifications.dispatch(), notifications.dispatch()]);
    expect(runs.reduce((sum, r) => sum + r.digests, 0)).toBe(1);
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
    await settle();
    const mails = mailsTo("digest@example.com");
    expect(mails, JSON.stringify(smtp.received.map((m) => [m.to, m.subject, m.headers.date]))).toHaveLength(1);
    digest = mails[0]!;
    expect(digest.subject).toBe("Your daily Illuminate digest: 3 updates");
    expect(digest.headers.from).toContain("notify@illuminate.test");
    expect(digest.content).toContain("octo/repo#1 was claimed");
    expect(digest.content).toContain("octo/repo#3 was merged and joined your portfolio");
    // Titles are escaped in the HTML part.
    expect(digest.content).toContain("&lt;b&gt;Flaky&lt;/b&gt;");
    expect(digest.headers["list-unsubscribe"]).toMatch(/^<http:\/\/localhost:3000\/notifications\/unsubscribe\?token=[\w.-]+>$/);
    expect(digest.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const stored = await db.knex("notifications").where({ user_id: user.userId }).whereNull("emailed_at");
    expect(stored).toHaveLength(0);
    expect(await db.knex("notification_digests").where({ user_id: user.userId })).toEqual([
      expect.objectContaining({ period_key: "daily:2026-11-30", status: "sent", notification_count: 3 }),
    ]);
  });

  it("follows the per-kind unsubscribe link without signing in: no more email of that kind, the others still come", async () => {
    // One link per kind in the email, and one for everything.
    expect(digest.unsubscribeLinks).toHaveLength(3);
    const link = digest.unsubscribeLinks.find((l) => digest.content.includes(`Stop emails about "Changes to watched issues and repositories": ${l}`));
    expect(link).toBeTruthy();
    const local = link!.replace("http://localhost:3000", app.baseUrl);

    const page = await fetch(local);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Changes to watched issues and repositories");
    expect(html).toContain('method="post"');
    // Opening the link alone changes nothing (mail scanners open links).
    expect((await api(app, "GET", "/api/notifications/preferences", await sessionHeaders(app, db, user, clock.now))).body).toMatchObject({
      settings: { kinds: { watched_issue: { email: "daily" } } },
    });

    const confirmed = await fetch(local, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "confirm=1" });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You are unsubscribed");
    const after = await api<{ settings: { kinds: Record<string, { email: string; inApp: boolean }> } }>(
      app,
      "GET",
      "/api/notifications/preferences",
      await sessionHeaders(app, db, user, clock.now),
    );
    expect(after.body.settings.kinds.watched_issue).toEqual({ inApp: true, email: "off" });
    expect(after.body.settings.kinds.contribution).toEqual({ inApp: true, email: "daily" });

    at("2026-11-30T05:00:00Z");
    await notifications.notify(user.userId, { kind: "watched_issue", title: "octo/repo#4 was closed", dedupeKey: "test-day2-watch" });
    await notifications.notify(user.userId, { kind: "contribution", title: "octo/repo#5 was merged and joined your portfolio", dedupeKey: "test-day2-contribution" });
    at("2026-11-30T12:00:00Z"); // 21:00 in Tokyo, the same local day: the day's digest went out already
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
    at("2026-12-01T00:30:00Z"); // next local day, 09:30
    await Promise.all([notifications.dispatch(), notifications.dispatch()]);
    await settle();
    const mails = mailsTo("digest@example.com");
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe("Your daily Illuminate digest: 1 update");
    expect(mails[1]!.content).toContain("octo/repo#5 was merged");
    expect(mails[1]!.content).not.toContain("octo/repo#4");
    // The watched change is still there in-app.
    const list = await api<{ items: Array<{ title: string }> }>(app, "GET", "/api/notifications", await sessionHeaders(app, db, user, clock.now));
    expect(list.body.items.map((i) => i.title)).toContain("octo/repo#4 was closed");
  });

  it("takes the RFC 8058 one-click POST from the List-Unsubscribe header", async () => {
    const last = mailsTo("digest@example.com").at(-1)!;
    const url = last.headers["list-unsubscribe"]!.slice(1, -1).replace("http://localhost:3000", app.baseUrl);
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(response.status).toBe(200);
    const settings = await api<{ settings: { kinds: Record<string, { email: string }> } }>(app, "GET", "/api/notifications/preferences", await sessionHeaders(app, db, user, clock.now));
    expect(settings.body.settings.kinds.contribution!.email).toBe("off");

    at("2026-12-01T05:00:00Z");
    await notifications.notify(user.userId, { kind: "contribution", title: "octo/repo#6 was merged", dedupeKey: "test-day3" });
    at("2026-12-02T00:30:00Z");
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
    await settle();
    expect(mailsTo("digest@example.com")).toHaveLength(2);
  });

  it("sends a real-time email once, even with dispatchers running side by side", async () => {
    const other = await createUser(db, "realtime@example.com");
    const headers = await sessionHeaders(app, db, other, clock.now);
    expect((await api(app, "PUT", "/api/notifications/preferences", headers, { kinds: { deep_dive_ready: { email: "realtime" } } })).status).toBe(200);
    await notifications.notify(other.userId, { kind: "deep_dive_ready", title: "A deep dive on octo/repo#7 is ready", url: "/issues/octo/repo/7", dedupeKey: "dd-7" });
    await Promise.all([notifications.dispatch(), notifications.dispatch(), notifications.dispatch()]);
    await notifications.dispatch();
    await settle();
    const mails = mailsTo("realtime@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("A deep dive on octo/repo#7 is ready");
    expect(mails[0]!.content).toContain("http://localhost:3000/issues/octo/repo/7");
    expect(mails[0]!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    // Nothing new: quiet.
    expect(await notifications.dispatch()).toEqual({ realtime: 0, digests: 0 });
  });

  it("refuses forged and expired unsubscribe links with a message", async () => {
    const link = new URL(digest.unsubscribeLinks[0]!);
    const token = link.searchParams.get("token")!;
    const forgedTokens = [`${token.slice(0, -2)}xx`, `${token.split(".")[0]}`, "not-a-token", `${Buffer.from(JSON.stringify({ u: user.userId, k: "all", e: 9_999_999_999 })).toString("base64url")}.AAAA`];
    for (const forged of forgedTokens) {
      const page = await fetch(`${app.baseUrl}/notifications/unsubscribe?token=${encodeURIComponent(forged)}`);
      expect(page.status, forged).toBe(400);
      expect(await page.text()).toContain("This unsubscribe link is not valid");
      const posted = await fetch(`${app.baseUrl}/notifications/unsubscribe?token=${encodeURIComponent(forged)}`, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(posted.status).toBe(400);
      const json = await api<{ error: { code: string; message: string } }>(app, "POST", "/api/notifications/unsubscribe", { "content-type": "application/json" }, { token: forged });
      expect(json.status).toBe(400);
      expect(json.body.error.code).toBe("invalid_unsubscribe_link");
    }
    expect((await fetch(`${app.baseUrl}/notifications/unsubscribe`)).status).toBe(400);

    at("2027-03-15T00:00:00Z"); // more than 90 days after the email
    const expired = await fetch(`${app.baseUrl}/notifications/unsubscribe?token=${token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("This unsubscribe link has expired");
    const json = await api<{ error: { code: string; message: string } }>(app, "POST", "/api/notifications/unsubscribe", { "content-type": "application/json" }, { token });
    expect(json.status).toBe(410);
    expect(json.body.error.message).toMatch(/expired/);
  });

  it("refuses invalid settings, an invalid time zone first, with a message", async () => {
    const headers = await sessionHeaders(app, db, user, clock.now);
    const zone = await api<{ error: { message: string } }>(app, "PUT", "/api/notifications/preferences", headers, { timezone: "Mars/Olympus_Mons" });
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toContain("expected an IANA time zone");
    for (const body of [{ digestHour: 24 }, { weeklyDay: 0 }, { matchThreshold: 2 }, { kinds: { spam: { email: "daily" } } }, { kinds: { contribution: { email: "hourly" } } }, { colour: "red" }]) {
      const response = await api<{ error: { message: string } }>(app, "PUT", "/api/notifications/preferences", headers, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.message).toBeTruthy();
    }
    const unchanged = await api<{ settings: { timezone: string; digestHour: number } }>(app, "GET", "/api/notifications/preferences", headers);
    expect(unchanged.body.settings).toMatchObject({ timezone: "Asia/Tokyo", digestHour: 9 });
  });
});
