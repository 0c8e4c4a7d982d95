import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { EXAMPLE_INSTALLATION_ID, EXAMPLE_REPOSITORY_ID, pullRequestMerged } from "../fixtures/github/derived-payloads.js";
import { webhookExample } from "../helpers/github-webhooks.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation, startIndexApp, type IndexTestApp } from "../issues/helpers/index-test-app.js";
import { getJson, setProfile, signIn, type Reader } from "../matching/matching-kit.js";
import { files, growthDomain, mergeThroughPortfolio, nockInstallationToken, nockPullRequest, seedInstalledRepo, type FixturePr } from "./growth-kit.js";

let db: Db;
let queue: Queue;
let app: IndexTestApp;

beforeEach(async () => {
  db = await createTestDb();
  await seedInstallation(db);
  queue = createTestQueue();
  app = await startIndexApp({ db, queue });
});

afterEach(async () => {
  await app?.close();
  await queue?.close();
  await db?.close();
});

const records = (userId: number) => db.knex("growth_records").where({ user_id: userId }).orderBy("id").select("level", "points", "progress", "details");
const radarTimes = async (userId: number) => (await db.knex("skill_radar_scores").where({ user_id: userId }).distinct("recorded_at")).length;
const waitForRecords = (userId: number, n: number) => waitFor(async () => ((await records(userId)).length >= n ? records(userId) : undefined), 15_000, `${n} growth records`);

interface Me {
  level: { level: number; name: string; points: number; pullRequests: number; repositories: number; progress: number; next: { name: string } | null };
  history: Array<{ level: number; name: string; points: number }>;
  radar: { axes: Array<{ skill: string; kind: string; current: number; previous: number }> };
  streak: { currentWeeks: number };
  recentContributions: Array<{ difficulty: string; difficultySource: string; points: number }>;
}

describe("levels and the skill radar follow merged contributions", () => {
  it("moves Explorer → First-timer → Contributor at the documented thresholds, with a radar snapshot per change", async () => {
    const reader: Reader = await signIn(app, db);
    await setProfile(db, reader.userId, { skills: { rust: 0.5 } });
    await seedInstalledRepo(db, 501, "growth-org/alpha");
    await seedInstalledRepo(db, 502, "growth-org/beta");
    nockInstallationToken();
    const author = { id: reader.userId, login: reader.login };
    const pr = (repositoryId: number, repo: string, number: number, prFiles: FixturePr["files"]): FixturePr => ({
      repositoryId, repo, number, prId: 880_000 + number, author, mergedAt: new Date().toISOString(), files: prFiles,
    });

    // No contributions: Explorer, nothing recorded, nothing on the radar but the profile.
    const empty = await getJson<Me>(app, "/api/growth/me", reader);
    expect(empty.status).toBe(200);
    expect(empty.body.level).toMatchObject({ level: 1, name: "Explorer", points: 0, pullRequests: 0 });
    expect(await records(reader.userId)).toEqual([]);

    // 52 lines in 3 files, no indexed issue: beginner by size; 10 + 1 + 2 + 0 = 13, +15 for the repository.
    await mergeThroughPortfolio(db, queue, pr(501, "growth-org/alpha", 11, [
      { filename: "README.md", additions: 10, deletions: 2 },
      { filename: "src/App.svelte", additions: 20, deletions: 5 },
      { filename: "src/lib/x.ts", additions: 10, deletions: 5 },
    ]));
    let rows = await waitForRecords(reader.userId, 1);
    expect(rows[0]).toMatchObject({ level: 2, points: 28 });
    expect(rows[0].details).toMatchObject({ pullRequests: 1, repositories: 1, difficulties: { beginner: 1, intermediate: 0, advanced: 0 } });
    const scoresAfterFirst = await db.knex("skill_radar_scores").where({ user_id: reader.userId }).select("skill", "kind", "score");
    const afterFirst = Object.fromEntries(scoresAfterFirst.map((s: { skill: string; score: number }) => [s.skill, Number(s.score.toFixed(2))]));
    // evidence 1 − 0.7¹ = 0.3, times 0.6; rust comes from the profile alone: 0.4 × 0.5.
    expect(afterFirst).toEqual({ rust: 0.2, svelte: 0.18, typescript: 0.18, markdown: 0.18, docs: 0.18 });
    const betweenSnapshots = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // 400 lines in 6 files: intermediate by size; 10 + 8 + 5 + 10 = 33. Still First-timer (needs 3 PRs and 100 points).
    const second = await mergeThroughPortfolio(db, queue, pr(501, "growth-org/alpha", 12, [...files(5, 60, "ts"), { filename: "src/a.test.ts", additions: 80, deletions: 20 }]));
    rows = await waitForRecords(reader.userId, 2);
    expect(rows[1]).toMatchObject({ level: 2, points: 61 });
    expect(rows[1].progress).toBeCloseTo(0.689, 3);

    const radar = await getJson<Me["radar"]>(app, `/api/growth/radar?from=${encodeURIComponent(betweenSnapshots.toISOString())}`, reader);
    expect(radar.status).toBe(200);
    const axes = Object.fromEntries(radar.body.axes.map((a) => [a.skill, a]));
    expect(axes.typescript).toMatchObject({ kind: "language", previous: 0.18, current: 0.31 });
    expect(axes.tests).toMatchObject({ kind: "work_kind", previous: 0, current: 0.18 });
    expect(axes.rust).toMatchObject({ previous: 0.2, current: 0.2 });

    // 900 lines in 20 files in a second repository: advanced; 10 + 10 + 5 + 20 = 45. 121 points, 3 PRs, 2 repositories: Contributor.
    const third = await mergeThroughPortfolio(db, queue, pr(502, "growth-org/beta", 21, files(20, 45, "go")));
    rows = await waitForRecords(reader.userId, 3);
    expect(rows.map((r: { level: number; points: number }) => [r.level, r.points])).toEqual([[2, 28], [2, 61], [3, 121]]);
    expect(rows[2].progress).toBeCloseTo(0.368, 3);
    // Four radars: the profile-only one the first visit recorded, then one per merge.
    expect(await radarTimes(reader.userId)).toBe(4);

    const me = await getJson<Me>(app, "/api/growth/me", reader);
    expect(me.body.level).toMatchObject({ level: 3, name: "Contributor", points: 121, pullRequests: 3, repositories: 2, progress: 0.368 });
    expect(me.body.level.next?.name).toBe("Regular");
    expect(me.body.history.map((h) => h.name)).toEqual(["First-timer", "First-timer", "Contributor"]);
    expect(me.body.streak.currentWeeks).toBe(1);
    expect(me.body.recentContributions.map((c) => [c.difficulty, c.points]).sort()).toEqual([["advanced", 45], ["beginner", 13], ["intermediate", 33]]);

    // A retried enrichment calls the listener again: the history does not change.
    const growth = growthDomain(app);
    await growth.onContributionEnriched({ contributionId: third, authorGithubId: reader.userId, userId: null });
    await growth.onContributionEnriched({ contributionId: second, authorGithubId: reader.userId, userId: reader.userId });
    expect(await records(reader.userId)).toHaveLength(3);
    expect(await radarTimes(reader.userId)).toBe(4);

    // A contribution whose author has not signed up grows nobody.
    const stranger = await mergeThroughPortfolio(db, queue, { ...pr(502, "growth-org/beta", 22, files(1, 10, "go")), prId: 880_999, author: { id: 42, login: "stranger" } });
    await growth.onContributionEnriched({ contributionId: stranger, authorGithubId: 42, userId: null });
    expect(await db.knex("growth_records").whereNot({ user_id: reader.userId }).count({ n: "*" })).toEqual([{ n: 0 }]);
    expect(await records(reader.userId)).toHaveLength(3);
  }, 60_000);

  it("a merged-PR webhook closing an indexed 'complex' issue counts at that issue's difficulty, not its size", async () => {
    const [user] = await db.knex("users").insert({ github_id: 21031067, login: "Codertocat" }).returning("id");
    const userId = Number(user.id);
    // The issue the PR closes ("Fixes #1"), indexed from its own webhook, labelled as hard work.
    const opened = webhookExample("issues", "opened");
    const issue = opened.issue as { labels: Array<Record<string, unknown>> };
    issue.labels.push({ ...issue.labels[0], id: 1362934390, node_id: "MDU6TGFiZWwxMzYyOTM0Mzkw", name: "complex", default: false });
    expect((await deliver(app, db, "issues", { ...opened, installation: { id: EXAMPLE_INSTALLATION_ID } })).status).toBe("processed");
    expect(await db.knex("issue_features").first("difficulty")).toEqual({ difficulty: "advanced" });

    nockInstallationToken();
    const github = nockPullRequest({
      repositoryId: EXAMPLE_REPOSITORY_ID,
      repo: "Codertocat/Hello-World",
      number: 2,
      prId: 279147437,
      author: { id: 21031067, login: "Codertocat" },
      mergedAt: "2019-05-15T15:21:18Z",
      files: [
        { filename: "README.md", additions: 10, deletions: 2 },
        { filename: "src/App.svelte", additions: 20, deletions: 5 },
        { filename: "src/lib/x.ts", additions: 10, deletions: 5 },
      ],
    });
    expect((await deliver(app, db, "pull_request", { ...pullRequestMerged(), installation: { id: EXAMPLE_INSTALLATION_ID } })).status).toBe("processed");
    const [record] = await waitForRecords(userId, 1);
    github.done();
    // 52 lines would be beginner by size; the closed issue says advanced: 10 + 1 + 2 + 20, +15.
    expect(record).toMatchObject({ level: 2, points: 48 });
    expect(record.details.difficulties).toEqual({ beginner: 0, intermediate: 0, advanced: 1 });
    // The issue's kind of work shows on the radar too.
    const kinds = await db.knex("skill_radar_scores").where({ user_id: userId, kind: "work_kind" }).pluck("skill");
    expect(kinds).toContain("bug");
  }, 60_000);
});
