import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { saveHealthSnapshot } from "../../src/issues/health/health-store.js";
import { syncAssigneeSignals } from "../../src/issues/signals/sync-assignee-signals.js";
import { syncLinkedPrSignals } from "../../src/issues/signals/sync-linked-pr-signals.js";
import type { IssueSnapshot } from "../../src/issues/snapshots/snapshot-types.js";
import { markIssueDeleted, upsertIssue } from "../../src/issues/store/issue-store.js";
import { markRepositoryDeleted } from "../../src/issues/store/repository-store.js";
import { refreshIssueSkills } from "../../src/matching/skills/refresh-issue-skills.js";
import { createTestDb } from "../helpers/test-db.js";
import { daysAgo, seedIssue, seedRepo, seedSignal } from "./matching-kit.js";

// feed_index and feed_skill_rank are kept by triggers on the index's tables. These tests change
// issues through the index's own store functions and check, after every write, that the feed's
// tables hold exactly what the definition of "showable" (the feed_index_source view) says.

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.close();
});

const inFeedIndex = async (issueId: number) => Boolean(await db.knex("feed_index").where({ issue_id: issueId }).first("issue_id"));

/** Both tables equal a recomputation from scratch, row for row. */
async function expectConsistent(): Promise<void> {
  const diff = async (table: string, source: string) => {
    const result = await db.knex.raw(
      `select count(*)::int as n from ((select * from ${table} except all select * from ${source}) union all (select * from ${source} except all select * from ${table})) d`,
    );
    return result.rows[0].n as number;
  };
  expect(await diff("feed_index", "feed_index_source")).toBe(0);
  expect(await diff("feed_skill_rank", "feed_skill_rank_source")).toBe(0);
}

async function snapshotOf(issueId: number, change: Partial<IssueSnapshot>): Promise<IssueSnapshot> {
  const row = await db.knex("issues").where({ id: issueId }).first();
  return {
    id: issueId,
    nodeId: null,
    repositoryId: Number(row.repository_id),
    number: row.number,
    title: row.title,
    body: row.body,
    state: row.state,
    stateReason: null,
    labels: row.labels,
    authorLogin: "author",
    authorAssociation: "NONE",
    authorIsBot: false,
    assignees: row.assignees,
    commentsCount: row.comments_count,
    isLocked: row.is_locked,
    milestone: null,
    createdAt: row.github_created_at,
    updatedAt: new Date(new Date(row.github_updated_at).getTime() + 60_000),
    closedAt: null,
    ...change,
  };
}

describe("feed index maintenance", () => {
  it("holds a new open issue with its skills, and follows its comments and activity", async () => {
    const repo = await seedRepo(db, { fullName: "acme/widgets", languages: { TypeScript: 9000, Svelte: 3000 }, health: 0.8 });
    const id = await seedIssue(db, repo, { title: "Fix the Svelte tooltip", labels: ["good first issue"], comments: 1 });
    const row = await db.knex("feed_index").where({ issue_id: id }).first();
    expect({ repository: Number(row.repository_id), comments: row.comments_count, difficulty: row.difficulty_rank }).toEqual({ repository: repo, comments: 1, difficulty: 0 });
    expect(row.skills).toEqual(expect.arrayContaining(["typescript", "svelte"]));
    expect(Number(row.health)).toBeCloseTo(0.8, 5);
    const ranks = await db.knex("feed_skill_rank").where({ issue_id: id }).select("skill");
    expect(ranks.map((r) => r.skill)).toEqual(expect.arrayContaining(["typescript", "svelte"]));

    await upsertIssue(db.knex, await snapshotOf(id, { commentsCount: 9 }));
    expect((await db.knex("feed_index").where({ issue_id: id }).first()).comments_count).toBe(9);
    await expectConsistent();
  });

  it("drops an issue as soon as it is assigned, claimed or linked to an open pull request, and takes it back when released", async () => {
    const repo = await seedRepo(db, { fullName: "acme/gears", languages: { Rust: 5000 } });
    const assigned = await seedIssue(db, repo, { title: "Speed up the parser" });
    const claimed = await seedIssue(db, repo, { title: "Add a flag for colours" });
    const linked = await seedIssue(db, repo, { title: "Handle empty input" });
    expect([await inFeedIndex(assigned), await inFeedIndex(claimed), await inFeedIndex(linked)]).toEqual([true, true, true]);

    const assign = await snapshotOf(assigned, { assignees: ["alice"] });
    await db.knex.transaction(async (trx) => {
      await upsertIssue(trx, assign);
      await syncAssigneeSignals(trx, assigned, ["alice"], new Date());
    });
    expect(await inFeedIndex(assigned)).toBe(false);
    await expectConsistent();

    await seedSignal(db, claimed, "claim", "bob");
    expect(await inFeedIndex(claimed)).toBe(false);

    const number = (await db.knex("issues").where({ id: linked }).first("number")).number as number;
    const pr = { repositoryId: repo, number: 5, authorLogin: "carol", merged: false, createdAt: daysAgo(1), updatedAt: daysAgo(1), closingRefs: [{ repo: "acme/gears", number }] };
    await db.knex.transaction((trx) => syncLinkedPrSignals(trx, { ...pr, state: "open", closedAt: null }));
    expect(await inFeedIndex(linked)).toBe(false);
    await expectConsistent();

    // Released: unassigned, and the pull request closed without merging.
    const unassign = await snapshotOf(assigned, { assignees: [] });
    await db.knex.transaction(async (trx) => {
      await upsertIssue(trx, unassign);
      await syncAssigneeSignals(trx, assigned, [], new Date());
    });
    await db.knex.transaction((trx) => syncLinkedPrSignals(trx, { ...pr, state: "closed", closedAt: new Date(), updatedAt: new Date() }));
    expect([await inFeedIndex(assigned), await inFeedIndex(claimed), await inFeedIndex(linked)]).toEqual([true, false, true]);
    await expectConsistent();
  });

  it("drops closed, locked, deleted and not-ready issues, and keeps nothing of a write that rolled back", async () => {
    const repo = await seedRepo(db, { fullName: "acme/bolts", languages: { Go: 5000 } });
    const closed = await seedIssue(db, repo, { title: "Retry on timeout" });
    const locked = await seedIssue(db, repo, { title: "Log the request id" });
    const deleted = await seedIssue(db, repo, { title: "Document the config file" });
    const unready = await seedIssue(db, repo, { title: "Support YAML anchors" });

    await upsertIssue(db.knex, await snapshotOf(closed, { state: "closed", closedAt: new Date() }));
    await upsertIssue(db.knex, await snapshotOf(locked, { isLocked: true }));
    await markIssueDeleted(db.knex, deleted, new Date());
    await upsertIssue(db.knex, await snapshotOf(unready, { labels: ["needs triage"] }));
    // Still derived from the old labels until matching refreshes the issue's facts.
    expect(await inFeedIndex(unready)).toBe(true);
    await refreshIssueSkills(db.knex, [unready]);
    expect([await inFeedIndex(closed), await inFeedIndex(locked), await inFeedIndex(deleted), await inFeedIndex(unready)]).toEqual([false, false, false, false]);
    await expectConsistent();

    await upsertIssue(db.knex, await snapshotOf(closed, { state: "open" }));
    expect(await inFeedIndex(closed)).toBe(true);
    const close = await snapshotOf(closed, { state: "closed", closedAt: new Date() });
    await expect(
      db.knex.transaction(async (trx) => {
        await upsertIssue(trx, close);
        expect(await trx("feed_index").where({ issue_id: closed }).first()).toBeUndefined();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await inFeedIndex(closed)).toBe(true);
    await expectConsistent();
  });

  it("follows the repository: a new health score reprices its issues; archived, private or deleted hides them all", async () => {
    const repo = await seedRepo(db, { fullName: "acme/springs", languages: { Python: 5000 }, health: 0.4 });
    const a = await seedIssue(db, repo, { title: "Add type hints to the client" });
    const b = await seedIssue(db, repo, { title: "Cache the token" });
    const before = await db.knex("feed_skill_rank").where({ issue_id: a, skill: "python" }).first("prior");

    await saveHealthSnapshot(db.knex, repo, { score: 0.9, components: { medianResponseHours: 4 } as never }, new Date());
    const after = await db.knex("feed_index").where({ issue_id: a }).first("health");
    expect(Number(after.health)).toBeCloseTo(0.9, 5);
    const repriced = await db.knex("feed_skill_rank").where({ issue_id: a, skill: "python" }).first("prior");
    expect(Number(repriced.prior)).toBeCloseTo(Number(before.prior) + 0.2 * 0.5, 5);
    await expectConsistent();

    await db.knex("repositories").where({ id: repo }).update({ is_archived: true });
    expect([await inFeedIndex(a), await inFeedIndex(b)]).toEqual([false, false]);
    await db.knex("repositories").where({ id: repo }).update({ is_archived: false });
    expect([await inFeedIndex(a), await inFeedIndex(b)]).toEqual([true, true]);
    await db.knex("repositories").where({ id: repo }).update({ is_private: true });
    expect(await inFeedIndex(a)).toBe(false);
    await db.knex("repositories").where({ id: repo }).update({ is_private: false });
    await markRepositoryDeleted(db.knex, repo, new Date());
    expect([await inFeedIndex(a), await inFeedIndex(b)]).toEqual([false, false]);
    await expectConsistent();
  });

  it("rebuilds to the same rows it maintains", async () => {
    const before = await db.knex("feed_index").count<{ count: string }[]>("* as count");
    const rebuilt = await db.knex.raw(`select feed_index_rebuild() as n`);
    expect(Number(rebuilt.rows[0].n)).toBe(Number(before[0]!.count));
    await expectConsistent();
  });
});
