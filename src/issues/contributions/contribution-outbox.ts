import type { Knex } from "knex";
import type { PullRequestSnapshot } from "../snapshots/snapshot-types.js";

/** A merged pull request, by ids only: consumers fetch whatever else they need. */
export interface ContributionEvent {
  githubPrId: number;
  repositoryId: number;
  repoFullName: string;
  prNumber: number;
  authorGithubId: number;
  authorLogin: string;
  mergedAt: Date;
  detectedVia: "webhook" | "backfill";
}

interface EventRow {
  github_pr_id: number;
  repository_id: number;
  repo_full_name: string;
  pr_number: number;
  author_github_id: number;
  author_login: string;
  merged_at: Date;
  detected_via: "webhook" | "backfill";
  delivered_at: Date | null;
}

const toEvent = (row: EventRow): ContributionEvent => ({
  githubPrId: Number(row.github_pr_id),
  repositoryId: Number(row.repository_id),
  repoFullName: row.repo_full_name,
  prNumber: row.pr_number,
  authorGithubId: Number(row.author_github_id),
  authorLogin: row.author_login,
  mergedAt: row.merged_at,
  detectedVia: row.detected_via,
});

/**
 * Records a merged pull request once, whatever number of deliveries report it. Returns true only
 * the first time. Bots' pull requests and authorless ones (deleted accounts) are no one's contribution.
 */
export async function recordContributionEvent(trx: Knex, pr: PullRequestSnapshot, detectedVia: "webhook" | "backfill"): Promise<boolean> {
  if (!pr.merged || !pr.mergedAt || pr.authorGithubId === null || !pr.authorLogin || pr.authorIsBot) return false;
  const rows = await trx("contribution_events")
    .insert({
      github_pr_id: pr.githubId,
      repository_id: pr.repositoryId,
      repo_full_name: pr.repoFullName,
      pr_number: pr.number,
      author_github_id: pr.authorGithubId,
      author_login: pr.authorLogin,
      merged_at: pr.mergedAt,
      detected_via: detectedVia,
    })
    .onConflict("github_pr_id")
    .ignore()
    .returning("id");
  return rows.length > 0;
}

export async function getContributionEvent(knex: Knex, githubPrId: number): Promise<(ContributionEvent & { deliveredAt: Date | null }) | null> {
  const row: EventRow | undefined = await knex("contribution_events").where({ github_pr_id: githubPrId }).first();
  return row ? { ...toEvent(row), deliveredAt: row.delivered_at } : null;
}

export async function markContributionDelivered(knex: Knex, githubPrId: number): Promise<void> {
  await knex("contribution_events").where({ github_pr_id: githubPrId }).whereNull("delivered_at").update({ delivered_at: knex.fn.now() });
}

export async function listUndeliveredContributionIds(knex: Knex, limit: number): Promise<number[]> {
  const rows: Array<{ github_pr_id: number }> = await knex("contribution_events")
    .whereNull("delivered_at")
    .orderBy("id")
    .limit(limit)
    .select("github_pr_id");
  return rows.map((r) => Number(r.github_pr_id));
}
