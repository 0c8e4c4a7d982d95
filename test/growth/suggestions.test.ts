import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import type { TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { getJson, seedIssue, seedRepo, seedSignal, setProfile, signIn, startMatchingApp, type Reader } from "../matching/matching-kit.js";
import { seedContribution } from "../portfolio/portfolio-test-kit.js";

let db: Db;
let queue: Queue;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  queue = createTestQueue();
  app = await startMatchingApp(db, queue);
});

afterAll(async () => {
  await app?.close();
  await queue?.close();
  await db?.close();
});

interface Steps {
  level: { level: number; name: string };
  towards: { name: string } | null;
  targetDifficulty: string;
  suggestions: Array<{ kind: string; reason: string; issue: { id: number; repository: string; difficulty: string; title: string } }>;
}

describe("next steps", () => {
  it("come from the feed only: never a taken, claimed, assigned or not-ready issue; each with a concrete reason", async () => {
    const widgets = await seedRepo(db, { fullName: "octo/widgets", languages: { TypeScript: 5000 }, health: 0.8 });
    const crab = await seedRepo(db, { fullName: "ferris/crab", languages: { Rust: 5000 }, health: 0.8 });
    const body = "The formatter in `src/format.ts` drops the last line. Steps: run it on a file without a trailing newline.";
    const open = {
      widgetsBug: await seedIssue(db, widgets, { title: "Formatter drops the last line", body, labels: ["bug"] }),
      widgetsFirst: await seedIssue(db, widgets, { title: "Typo in the CLI help", body: "`src/help.ts` says 'recieve'.", labels: ["good first issue"] }),
      crabBug: await seedIssue(db, crab, { title: "Lexer drops escaped quotes", body: "In `src/lexer.rs` quotes are dropped.", labels: ["bug"] }),
    };
    const unavailable = [
      await seedIssue(db, widgets, { title: "Assigned formatter bug", body, labels: ["bug"], assignees: ["maintainer"] }),
      await seedIssue(db, widgets, { title: "Claimed formatter bug", body, labels: ["bug"] }),
      await seedIssue(db, widgets, { title: "Formatter bug with an open PR", body, labels: ["bug"] }),
      await seedIssue(db, widgets, { title: "Formatter crash, cannot reproduce", body, labels: ["bug", "needs more info"] }),
      await seedIssue(db, widgets, { title: "Formatter redesign", body, labels: ["needs discussion"] }),
      await seedIssue(db, crab, { title: "Claimed lexer bug", body: "In `src/lexer.rs` tabs are dropped.", labels: ["bug"] }),
      await seedIssue(db, crab, { title: "Closed lexer bug", body: "In `src/lexer.rs`.", labels: ["bug"], state: "closed" }),
    ];
    await seedSignal(db, unavailable[1]!, "claim");
    await seedSignal(db, unavailable[2]!, "linked_pr");
    await seedSignal(db, unavailable[5]!, "claim");

    // A newcomer: the step above Explorer is a first merge, at beginner level.
    const newcomer: Reader = await signIn(app, db);
    await setProfile(db, newcomer.userId, { skills: { typescript: 0.7 } });
    const first = await getJson<Steps>(app, "/api/growth/suggestions", newcomer);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ level: { level: 1, name: "Explorer" }, towards: { name: "First-timer" }, targetDifficulty: "beginner" });
    expect(first.body.suggestions.length).toBeGreaterThan(0);
    for (const s of first.body.suggestions) {
      expect(s.kind).toBe("first_step");
      expect(s.issue.difficulty).toBe("beginner");
      expect(s.reason).toMatch(/first merged pull request/);
    }

    // Two small merges in octo/widgets and a wish to learn Rust.
    const reader: Reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { typescript: 0.8 }, learn: ["rust"] });
    const owner = { userId: reader.userId, githubId: reader.userId, login: reader.login };
    for (const n of [1, 2]) {
      await seedContribution(db.knex, owner, { mergedAt: new Date(Date.now() - n * 86_400_000), repoFullName: "octo/widgets", repositoryId: widgets, prNumber: 900 + n, additions: 10, deletions: 2, changedFiles: 1 });
    }
    const answer = await getJson<Steps>(app, "/api/growth/suggestions", reader);
    expect(answer.status).toBe(200);
    const { suggestions } = answer.body;
    expect(answer.body).toMatchObject({ level: { name: "First-timer" }, targetDifficulty: "intermediate" });
    const ids = suggestions.map((s) => s.issue.id);
    for (const id of unavailable) expect(ids).not.toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of suggestions) expect(s.reason.length).toBeGreaterThan(20);
    for (const s of suggestions.filter((x) => x.kind === "stretch")) {
      expect(s.issue.difficulty).toBe("intermediate");
      expect(s.reason).toContain("one step above the beginner work you have merged so far (2 pull requests)");
    }

    const goal = suggestions.find((s) => s.kind === "goal_skill");
    expect(goal?.issue).toMatchObject({ id: open.crabBug, repository: "ferris/crab" });
    expect(goal?.reason).toContain("Practises rust, one of your learning goals");

    const regular = suggestions.find((s) => s.kind === "become_regular");
    expect(regular?.issue.repository).toBe("octo/widgets");
    expect([open.widgetsBug, open.widgetsFirst]).toContain(regular?.issue.id);
    expect(regular?.reason).toContain("You have merged 2 pull requests in octo/widgets; a third one there");

    // Claimed since: it is gone from the next answer.
    await seedSignal(db, open.crabBug, "claim", "quick-fingers");
    const later = await getJson<Steps>(app, "/api/growth/suggestions", reader);
    expect(later.body.suggestions.map((s) => s.issue.id)).not.toContain(open.crabBug);
    for (const id of unavailable) expect(later.body.suggestions.map((s) => s.issue.id)).not.toContain(id);
  }, 60_000);

  it("asks for a session", async () => {
    const answer = await getJson(app, "/api/growth/suggestions");
    expect(answer.status).toBe(401);
  });
});
