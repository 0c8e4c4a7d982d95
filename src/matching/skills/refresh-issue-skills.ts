import type { Knex } from "knex";
import { deriveIssueSkills } from "./derive-issue-skills.js";

interface SourceRow {
  id: number;
  title: string;
  body: string | null;
  labels: string[];
  updated_at: Date;
  languages: Record<string, number>;
  topics: string[];
}

/**
 * Recomputes issue_skills and issue_features for the given issues from what the index holds.
 * issue_skills belongs to matching (it is derived, never ingested), so rewriting it here does not
 * write to the index's own tables.
 */
export async function refreshIssueSkills(knex: Knex, issueIds: number[]): Promise<number> {
  if (issueIds.length === 0) return 0;
  let count = 0;
  await knex.transaction(async (trx) => {
    // Two refreshes of one issue (a webhook's and a sweep's) must not interleave their delete and
    // insert: the issue rows are locked, in id order, and read after the lock.
    await trx("issues").whereIn("id", issueIds).orderBy("id").forUpdate().select("id");
    const rows: SourceRow[] = await trx("issues as i")
      .join("repositories as r", "r.id", "i.repository_id")
      .whereIn("i.id", issueIds)
      .select("i.id", "i.title", "i.body", "i.labels", "i.updated_at", "r.languages", "r.topics");
    count = rows.length;
    for (const row of rows) {
      const facts = deriveIssueSkills({ title: row.title, body: row.body, labels: row.labels, repoLanguages: row.languages ?? {}, repoTopics: row.topics ?? [] });
      const id = Number(row.id);
      await trx("issue_skills").where({ issue_id: id }).delete();
      if (facts.skills.length > 0) await trx("issue_skills").insert(facts.skills.map((s) => ({ issue_id: id, ...s })));
      await trx("issue_features")
        .insert({
          issue_id: id,
          difficulty: facts.difficulty,
          smallness: facts.smallness,
          not_ready: facts.notReady,
          not_ready_reason: facts.notReadyReason,
          work_kind: facts.workKind,
          keywords: facts.keywords,
          source_updated_at: row.updated_at,
          computed_at: trx.fn.now(),
        })
        .onConflict("issue_id")
        .merge();
    }
  });
  return count;
}

/** Issues indexed or changed since their facts were derived (crawled ones arrive without a webhook). */
export async function refreshStaleIssueSkills(knex: Knex, limit = 500): Promise<number> {
  const stale: Array<{ id: number }> = await knex("issues as i")
    .leftJoin("issue_features as f", "f.issue_id", "i.id")
    .where((q) => q.whereNull("f.issue_id").orWhereRaw("f.source_updated_at < i.updated_at"))
    .whereNull("i.deleted_at")
    .orderBy("i.updated_at", "desc")
    .limit(limit)
    .select("i.id");
  return refreshIssueSkills(knex, stale.map((r) => Number(r.id)));
}
