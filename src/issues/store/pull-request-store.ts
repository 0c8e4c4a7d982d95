import type { Knex } from "knex";
import type { PullRequestSnapshot } from "../snapshots/snapshot-types.js";

/** Stores the pull request unless a newer snapshot is there. Returns whether it was applied. */
export async function upsertPullRequest(trx: Knex, pr: PullRequestSnapshot): Promise<boolean> {
  const columns = {
    github_id: pr.githubId,
    node_id: pr.nodeId,
    title: pr.title,
    author_login: pr.authorLogin,
    author_github_id: pr.authorGithubId,
    author_association: pr.authorAssociation,
    author_is_bot: pr.authorIsBot,
    state: pr.state,
    is_draft: pr.isDraft,
    merged: pr.merged,
    merged_at: pr.mergedAt,
    closed_at: pr.closedAt,
    github_created_at: pr.createdAt,
    github_updated_at: pr.updatedAt,
    closing_refs: JSON.stringify(pr.closingRefs),
  };
  const rows = await trx("pull_requests")
    .insert({ repository_id: pr.repositoryId, number: pr.number, ...columns })
    .onConflict(["repository_id", "number"])
    .merge(Object.keys(columns))
    .where((q) => q.whereNull("pull_requests.github_updated_at").orWhere("pull_requests.github_updated_at", "<=", pr.updatedAt))
    .returning("id");
  return rows.length > 0;
}

/**
 * The earliest maintainer response on a pull request. It may come (as a comment) before we have
 * seen the pull request itself: the row then waits, without a snapshot, for the pull request.
 */
export async function recordPullRequestResponse(
  trx: Knex,
  pr: { repositoryId: number; number: number; createdAt: Date | null },
  at: Date,
): Promise<void> {
  await trx("pull_requests")
    .insert({ repository_id: pr.repositoryId, number: pr.number, github_created_at: pr.createdAt, first_response_at: at })
    .onConflict(["repository_id", "number"])
    .merge({ first_response_at: trx.raw("least(pull_requests.first_response_at, excluded.first_response_at)") });
}
