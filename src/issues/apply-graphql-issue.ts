import type { Knex } from "knex";
import type { GqlIssue } from "../github/graphql/index-query-types.js";
import { applyComments, applyIssue } from "./apply-snapshots.js";
import { commentsFromGraphql, firstResponseFromTimeline, issueFromGraphql } from "./snapshots/from-graphql.js";
import { recordMaintainerActivity } from "./store/issue-store.js";

/** An issue from the backfill or the crawler, with its recent comments (claims) and first response. */
export async function applyGraphqlIssue(trx: Knex, node: GqlIssue, repository: { id: number; fullName: string }): Promise<boolean> {
  const issue = issueFromGraphql(node, repository.id);
  if (!issue) return false;
  await applyIssue(trx, issue, repository.fullName);
  await applyComments(trx, issue.id, commentsFromGraphql(node, issue.id), { issueAuthorLogin: issue.authorLogin });
  const responded = firstResponseFromTimeline(node.timelineItems?.nodes, issue.authorLogin);
  if (responded) await recordMaintainerActivity(trx, issue.id, responded, { response: true });
  return true;
}
