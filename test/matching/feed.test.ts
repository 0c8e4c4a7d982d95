import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { FeedItem, FeedPage } from "../../src/matching/feed/get-feed.js";
import type { TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { getJson, seedIssue, seedRepo, seedSignal, setProfile, signIn, startMatchingApp } from "./matching-kit.js";

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

const feed = async (reader: Awaited<ReturnType<typeof signIn>>, query = "") => {
  const response = await getJson<FeedPage>(app, `/api/issues/feed${query}`, reader);
  expect(response.status).toBe(200);
  return response.body;
};

function expectBreakdownSumsToScore(item: FeedItem) {
  const b = item.breakdown;
  const sum = b.skill_match.contribution + b.growth_match.contribution + b.repo_health.contribution + b.freshness.contribution + b.low_competition.contribution + b.feedback.contribution;
  expect(sum).toBeCloseTo(item.score, 9);
  for (const c of [b.skill_match, b.growth_match, b.repo_health, b.freshness, b.low_competition]) {
    expect(c.value).toBeGreaterThanOrEqual(0);
    expect(c.value).toBeLessThanOrEqual(1);
    expect(c.contribution).toBeCloseTo(c.value * c.weight, 5);
  }
}

describe("availability and readiness", () => {
  it("never shows taken, not-ready, closed, locked or archived issues, and says when availability was verified", async () => {
    const repo = await seedRepo(db, { fullName: "fernlog/fernlog", languages: { TypeScript: 90_000, JavaScript: 10_000 } });
    const archived = await seedRepo(db, { fullName: "oldco/legacy", languages: { TypeScript: 10_000 }, archived: true });
    const available = await seedIssue(db, repo, { title: "Pretty printer crashes on circular objects", labels: ["bug"] });
    const hidden = [
      await seedIssue(db, repo, { title: "Assigned in the issue itself", assignees: ["maintainer"] }),
      await seedIssue(db, repo, { title: "Claimed in a comment" }),
      await seedIssue(db, repo, { title: "Has an open pull request" }),
      await seedIssue(db, repo, { title: "Assignee signal only" }),
      await seedIssue(db, repo, { title: "Crash on start", labels: ["needs more info"] }),
      await seedIssue(db, repo, { title: "Plugin API", labels: ["needs discussion"] }),
      await seedIssue(db, repo, { title: "How do I log to a file?", labels: ["question"] }),
      await seedIssue(db, repo, { title: "Same as the other crash", labels: ["duplicate"] }),
      await seedIssue(db, repo, { title: "Blank output", body: "I cannot reproduce this locally, need more information from the reporter." }),
      await seedIssue(db, repo, { title: "New formatter", labels: ["triage"] }),
      await seedIssue(db, repo, { title: "Already fixed", state: "closed" }),
      await seedIssue(db, repo, { title: "Heated thread", locked: true }),
      await seedIssue(db, archived, { title: "Nobody will merge this" }),
    ];
    await seedSignal(db, hidden[1]!, "claim");
    await seedSignal(db, hidden[2]!, "linked_pr");
    await seedSignal(db, hidden[3]!, "assignee");
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { typescript: 0.9 } });

    const page = await feed(reader, "?limit=50&repo=fernlog/fernlog");
    const ids = page.items.map((i) => i.id);
    expect(ids).toEqual([available]);
    expect(page.items[0]!.availability.text).toMatch(/^verified open and unclaimed as of \d{4}-\d\d-\d\dT/);
    const everywhere = (await feed(reader, "?limit=50")).items.map((i) => i.id);
    for (const id of hidden) expect(everywhere).not.toContain(id);
  });
});

describe("ranking", () => {
  it("puts Svelte issues first for a Svelte developer, and Rust issues above unrelated ones when they want to learn Rust", async () => {
    const svelte = await seedRepo(db, { fullName: "sveltic/kitchen", languages: { Svelte: 60_000, TypeScript: 40_000 } });
    const rust = await seedRepo(db, { fullName: "ferris/crabline", languages: { Rust: 100_000 } });
    const python = await seedRepo(db, { fullName: "pyco/numbers", languages: { Python: 100_000 } });
    const pythonIssue = await seedIssue(db, python, { title: "Round-trip floats in the CSV exporter", body: "See `numbers/csv.py`.", labels: ["bug"] });
    const rustIssue = await seedIssue(db, rust, { title: "Parse escaped quotes in the lexer", body: "In `src/lexer.rs` quotes are dropped.", labels: ["bug"] });
    const svelteIssue = await seedIssue(db, svelte, { title: "Dropdown closes on scroll", body: "`src/lib/Dropdown.svelte` listens to scroll.", labels: ["bug"] });
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { svelte: 0.9, typescript: 0.8 }, learn: ["rust"] });

    const items = (await feed(reader, "?limit=50")).items;
    const order = items.map((i) => i.id).filter((id) => [pythonIssue, rustIssue, svelteIssue].includes(id));
    expect(order).toEqual([svelteIssue, rustIssue, pythonIssue]);
    const svelteItem = items.find((i) => i.id === svelteIssue)!;
    expect(svelteItem.reason).toMatch(/Uses Svelte and TypeScript, which you know/);
    expect(svelteItem.reason).toMatch(/answers newcomers in ~20 hours/);
    expect(items.find((i) => i.id === rustIssue)!.reason).toMatch(/practise Rust, which you want to learn/);
    items.forEach(expectBreakdownSumsToScore);
  });

  it("ranks good-first-issue and small issues higher for someone making their first contribution", async () => {
    const repo = await seedRepo(db, { fullName: "docsy/site", languages: { Go: 100_000 } });
    const longBody = `${"The scheduler needs a rework across several packages. ".repeat(60)}\n\`\`\`go\nfunc a() {}\n\`\`\`\nTouches internal/a.go, internal/b.go, internal/c.go, cmd/d.go, pkg/e.go and pkg/f.go.`;
    const big = await seedIssue(db, repo, { title: "Rework the scheduler", body: longBody, labels: ["enhancement"] });
    const small = await seedIssue(db, repo, { title: "Fix a typo in the CLI help", body: "`cmd/help.go` says 'recieve'.", labels: ["good first issue"] });
    const newcomer = await signIn(app, db);
    await setProfile(db, newcomer.userId, { skills: { go: 0.5 }, comfort: "first_contribution" });
    const expert = await signIn(app, db);
    await setProfile(db, expert.userId, { skills: { go: 0.5 }, comfort: "experienced" });

    const forNewcomer = (await feed(newcomer, "?repo=docsy/site")).items;
    expect(forNewcomer.map((i) => i.id)).toEqual([small, big]);
    expect(forNewcomer[0]!.breakdown.skill_match.value).toBeGreaterThan(forNewcomer[1]!.breakdown.skill_match.value);
    expect(forNewcomer[0]!.reason).toMatch(/suited to newcomers/);
    const forExpert = (await feed(expert, "?repo=docsy/site")).items;
    const bigForExpert = forExpert.find((i) => i.id === big)!;
    expect(bigForExpert.breakdown.skill_match.value).toBeGreaterThan(forNewcomer.find((i) => i.id === big)!.breakdown.skill_match.value);
  });

  it("keeps at most three issues of one repository in the first tier of a page", async () => {
    const busy = await seedRepo(db, { fullName: "busy/monorepo", languages: { Kotlin: 100_000 }, health: 0.95 });
    for (let n = 0; n < 8; n++) await seedIssue(db, busy, { title: `Kotlin task ${n}`, labels: ["bug"] });
    for (let n = 0; n < 6; n++) {
      const other = await seedRepo(db, { fullName: `quiet/kt${n}`, languages: { Kotlin: 100_000 }, health: 0.3 });
      await seedIssue(db, other, { title: `Kotlin chore ${n}`, labels: ["bug"] });
    }
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { kotlin: 0.9 } });
    const page = (await feed(reader, "?language=kotlin&limit=9")).items;
    expect(page).toHaveLength(9);
    expect(page.filter((i) => i.repository.fullName === "busy/monorepo")).toHaveLength(3);
    expect(page.slice(0, 3).every((i) => i.repository.fullName === "busy/monorepo")).toBe(true);
  });
});

describe("the issue", () => {
  it("shows labels, repository, health, availability, skills and the reader's own breakdown", async () => {
    const repo = await seedRepo(db, { fullName: "detail/lib", languages: { TypeScript: 100_000 }, health: 0.8 });
    const issue = await seedIssue(db, repo, { title: "Add a --json flag", body: "In `src/cli.ts`.", labels: ["good first issue", "enhancement"] });
    const claimed = await seedIssue(db, repo, { title: "Claimed one" });
    await seedSignal(db, claimed, "claim", "speedy");
    const reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { typescript: 0.9 } });

    const mine = await getJson<Record<string, any>>(app, `/api/issues/${issue}`, reader); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(mine.status).toBe(200);
    expect(mine.body.issue).toMatchObject({ id: issue, labels: ["good first issue", "enhancement"], state: "open" });
    expect(mine.body.repository.fullName).toBe("detail/lib");
    expect(mine.body.health.score).toBeCloseTo(0.8, 5);
    expect(mine.body.availability).toMatchObject({ available: true, taken: false, notReady: false, inFeed: true });
    expect(mine.body.skills).toContainEqual({ skill: "typescript", kind: "language", weight: 1 });
    expect(mine.body.difficulty).toBe("beginner");
    expect(mine.body.score.breakdown.skill_match.value).toBeGreaterThan(0.5);
    expect(mine.body.score.reason).toMatch(/TypeScript/);

    const anonymous = await getJson<Record<string, any>>(app, `/api/issues/${claimed}`); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(anonymous.body.score).toBeNull();
    expect(anonymous.body.availability).toMatchObject({ available: false, taken: true, inFeed: false });
    expect(anonymous.body.availability.takenBy[0]).toMatchObject({ kind: "claim", login: "speedy" });
    expect((await getJson(app, `/api/issues/123456789012`)).status).toBe(404);
    expect((await getJson(app, `/api/issues/12abc`)).status).toBe(400);
  });
});
