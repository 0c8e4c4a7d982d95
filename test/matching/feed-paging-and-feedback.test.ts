import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { FeedPage } from "../../src/matching/feed/get-feed.js";
import type { TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { daysAgo, getJson, seedIssue, seedRepo, sendJson, setProfile, signIn, startMatchingApp } from "./matching-kit.js";

let db: Db;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startMatchingApp(db, createTestQueue());
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe("thumbs", () => {
  it("a thumbs-down hides the issue and lowers similar ones on the next request; a thumbs-up raises them", async () => {
    const liked = await seedRepo(db, { fullName: "elixr/phoenixish", languages: { Elixir: 100_000 } });
    const other = await seedRepo(db, { fullName: "elixr/other", languages: { Elixir: 100_000 } });
    const disliked = await seedIssue(db, liked, { title: "Docs: explain channels", labels: ["documentation"] });
    const sibling = await seedIssue(db, liked, { title: "Docs: explain presence", labels: ["documentation"] });
    const elsewhere = await seedIssue(db, other, { title: "Crash in the router", labels: ["bug"] });
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { elixir: 0.8 } });
    const before = (await getJson<FeedPage>(app, "/api/issues/feed?language=elixir", reader)).body.items;
    const siblingBefore = before.find((i) => i.id === sibling)!;
    expect(before.map((i) => i.id)).toContain(disliked);
    expect(siblingBefore.breakdown.feedback.contribution).toBe(0);

    const vote = await sendJson<{ effect: string }>(app, "POST", `/api/issues/${disliked}/thumbs`, reader, { value: "down", reason: "not into docs" });
    expect(vote.status).toBe(200);
    expect(vote.body.effect).toMatch(/hidden from your feed.*elixr\/phoenixish.*docs/);

    const after = (await getJson<FeedPage>(app, "/api/issues/feed?language=elixir", reader)).body.items;
    expect(after.map((i) => i.id)).not.toContain(disliked);
    const siblingAfter = after.find((i) => i.id === sibling)!;
    expect(siblingAfter.breakdown.feedback.contribution).toBeLessThan(0);
    expect(siblingAfter.score).toBeLessThan(siblingBefore.score);
    expect(siblingAfter.reason).toMatch(/lowered because you turned down similar issues/);
    expect(after.find((i) => i.id === elsewhere)!.breakdown.feedback.contribution).toBe(0);

    expect((await sendJson(app, "POST", `/api/issues/${elsewhere}/thumbs`, reader, { value: "up" })).status).toBe(200);
    const sameRepoAsLiked = await seedIssue(db, other, { title: "Crash in the logger", labels: ["bug"] });
    const raised = (await getJson<FeedPage>(app, "/api/issues/feed?language=elixir", reader)).body.items.find((i) => i.id === sameRepoAsLiked)!;
    expect(raised.breakdown.feedback.contribution).toBeGreaterThan(0);
    expect(raised.reason).toMatch(/raised because you liked similar issues/);
  });

  it("refuses a vote that is not up or down, and a vote on an unknown issue", async () => {
    const reader = await signIn(app, db);
    const repo = await seedRepo(db, { fullName: "votes/repo", languages: { Ruby: 1 } });
    const issue = await seedIssue(db, repo, { title: "Something" });
    const bad = await sendJson<{ error: { code: string } }>(app, "POST", `/api/issues/${issue}/thumbs`, reader, { value: "sideways" });
    expect(bad.status).toBe(400);
    expect((await sendJson(app, "POST", `/api/issues/999999999999/thumbs`, reader, { value: "up" })).status).toBe(404);
    expect((await sendJson(app, "POST", `/api/issues/abc/thumbs`, reader, { value: "up" })).status).toBe(400);
  });
});

describe("cursor pagination", () => {
  it("never repeats or skips an item while new issues arrive between pages", async () => {
    const repos = [];
    for (let r = 0; r < 8; r++) repos.push(await seedRepo(db, { fullName: `pager/repo${r}`, languages: { Haskell: 100_000 }, health: 0.3 + r * 0.08 }));
    const initial = new Set<number>();
    for (let n = 0; n < 30; n++) {
      initial.add(await seedIssue(db, repos[n % repos.length]!, { title: `Haskell task ${n}`, updatedAt: daysAgo(n % 9), comments: n % 4 }));
    }
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { haskell: 0.9 } });

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?language=haskell&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await getJson<FeedPage>(app, `/api/issues/feed${query}`, reader);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((i) => i.id));
      cursor = response.body.nextCursor;
      // Fresh, well-scoring issues land in the index while the user is reading.
      await seedIssue(db, repos[pages % repos.length]!, { title: `Fresh Haskell task ${pages}`, updatedAt: daysAgo(0) });
      pages++;
    } while (cursor && pages < 20);

    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(initial);
    expect(pages).toBe(5);
  });

  it("refuses tampered cursors, cursors from other filters, unknown filters and out-of-range page sizes", async () => {
    const repo = await seedRepo(db, { fullName: "pager/bad", languages: { Ocaml: 100_000 } });
    for (let n = 0; n < 3; n++) await seedIssue(db, repo, { title: `OCaml task ${n}` });
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { ocaml: 0.9 } });
    const first = (await getJson<FeedPage>(app, "/api/issues/feed?language=ocaml&limit=1", reader)).body;
    const cursor = first.nextCursor!;
    expect(cursor).toBeTruthy();
    const [body, mac] = cursor.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), p: { asOf: first.asOf, tier: 0, score: "9", id: 1 } })).toString("base64url");
    const cases = [
      `?language=ocaml&limit=1&cursor=${forged}.${mac}`,
      `?language=ocaml&limit=1&cursor=${cursor.slice(0, -2)}xx`,
      `?language=ocaml&limit=1&cursor=${"a".repeat(5000)}`,
      `?language=rust&limit=1&cursor=${encodeURIComponent(cursor)}`,
      `?colour=blue`,
      `?limit=-5`,
      `?limit=100000`,
      `?minHealth=2`,
      `?kind=everything`,
      `?updatedSince=yesterday`,
      `?language=${encodeURIComponent("'; drop table issues; --")}`,
    ];
    for (const query of cases) {
      const response = await getJson<{ error: { code: string; message: string } }>(app, `/api/issues/feed${query}`, reader);
      expect(response.status, query).toBe(400);
      expect(response.body.error.message.length).toBeGreaterThan(0);
    }
    const other = await signIn(app, db);
    expect((await getJson(app, `/api/issues/feed?language=ocaml&limit=1&cursor=${encodeURIComponent(cursor)}`, other)).status).toBe(400);
    expect((await getJson(app, "/api/issues/feed")).status).toBe(401);
  });
});
