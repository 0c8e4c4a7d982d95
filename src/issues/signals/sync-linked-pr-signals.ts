import type { Knex } from "knex";
import type { ClosingReference } from "../snapshots/snapshot-types.js";
import { findIssueIds } from "../store/issue-store.js";

export interface LinkingPullRequest {
  repositoryId: number;
  number: number;
  authorLogin: string | null;
  state: "open" | "closed";
  merged: boolean;
  createdAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
  closingRefs: ClosingReference[];
}

export const linkedPrKey = (repositoryId: number, number: number) => `pr-${repositoryId}-${number}`;

function linkState(pr: LinkingPullRequest) {
  // A merged PR did the work: the issue stays taken until it is closed. Closed unmerged releases it.
  const active = pr.state === "open" || pr.merged;
  return { active, released_at: active ? null : (pr.closedAt ?? pr.updatedAt) };
}

async function upsertLink(trx: Knex, issueId: number, pr: LinkingPullRequest): Promise<void> {
  const state = linkState(pr);
  await trx("issue_signals")
    .insert({
      issue_id: issueId,
      kind: "linked_pr",
      source_key: linkedPrKey(pr.repositoryId, pr.number),
      actor_login: pr.authorLogin ?? "ghost",
      pr_number: pr.number,
      observed_at: pr.createdAt,
      ...state,
    })
    .onConflict(["issue_id", "kind", "source_key"])
    .merge(["active", "released_at", "actor_login"]);
}

/** Makes the PR's links match its closing references: new ones added, dropped ones removed, state from the PR. */
export async function syncLinkedPrSignals(trx: Knex, pr: LinkingPullRequest): Promise<void> {
  const key = linkedPrKey(pr.repositoryId, pr.number);
  const issueIds = [...(await findIssueIds(trx, pr.closingRefs)).values()];
  await trx("issue_signals")
    .where({ kind: "linked_pr", source_key: key })
    .modify((q) => {
      if (issueIds.length > 0) q.whereNotIn("issue_id", issueIds);
    })
    .delete();
  for (const issueId of issueIds) await upsertLink(trx, issueId, pr);
}

/** An issue seen for the first time may already be referenced by pull requests we know. */
export async function linkKnownPullRequests(trx: Knex, issue: { id: number; repoFullName: string; number: number }): Promise<void> {
  const rows: Array<Record<string, unknown>> = await trx("pull_requests")
    .whereRaw("closing_refs @> ?::jsonb", [JSON.stringify([{ repo: issue.repoFullName.toLowerCase(), number: issue.number }])])
    .whereNotNull("github_updated_at")
    .select("repository_id", "number", "author_login", "state", "merged", "github_created_at", "closed_at", "github_updated_at");
  for (const row of rows) {
    await upsertLink(trx, issue.id, {
      repositoryId: Number(row.repository_id),
      number: Number(row.number),
      authorLogin: row.author_login as string | null,
      state: row.state as "open" | "closed",
      merged: row.merged as boolean,
      createdAt: row.github_created_at as Date,
      closedAt: row.closed_at as Date | null,
      updatedAt: row.github_updated_at as Date,
      closingRefs: [],
    });
  }
}
