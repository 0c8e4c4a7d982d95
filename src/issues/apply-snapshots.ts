import type { Knex } from "knex";
import { recordContributionEvent } from "./contributions/contribution-outbox.js";
import { detectCommentIntent } from "./signals/detect-comment-intent.js";
import { backdateAssignees, syncAssigneeSignals } from "./signals/sync-assignee-signals.js";
import { syncClaimSignals } from "./signals/sync-claim-signals.js";
import { linkKnownPullRequests, syncLinkedPrSignals } from "./signals/sync-linked-pr-signals.js";
import { isMaintainerAssociation } from "./snapshots/github-values.js";
import type { CommentSnapshot, IssueSnapshot, PullRequestSnapshot } from "./snapshots/snapshot-types.js";
import { previousIntent, upsertComment } from "./store/comment-store.js";
import { recordMaintainerActivity, upsertIssue, type UpsertOutcome } from "./store/issue-store.js";
import { upsertPullRequest } from "./store/pull-request-store.js";

// The one way into the index for every source (webhooks, backfill, crawler), so an issue ends the
// same whichever path told us about it.

/** Stores the issue if newer, and what follows from it: assignees, and links from pull requests seen earlier. */
export async function applyIssue(trx: Knex, issue: IssueSnapshot, repoFullName: string): Promise<UpsertOutcome> {
  const outcome = await upsertIssue(trx, issue);
  if (issue.assignees && outcome.applied) await syncAssigneeSignals(trx, issue.id, issue.assignees, issue.updatedAt);
  else if (issue.assignees) await backdateAssignees(trx, issue.id, issue.assignees, issue.updatedAt);
  if (outcome.inserted) await linkKnownPullRequests(trx, { id: issue.id, repoFullName, number: issue.number });
  return outcome;
}

/** A maintainer (owner, member, collaborator) who is not the author and not a bot. */
export function isMaintainerResponse(actor: { login: string; association: string | null; isBot: boolean }, authorLogin: string | null): boolean {
  if (actor.isBot || !isMaintainerAssociation(actor.association)) return false;
  return !authorLogin || actor.login.toLowerCase() !== authorLogin.toLowerCase();
}

/**
 * Records comments on one issue and recomputes its claims once. Maintainers' and bots' comments
 * never claim; they count as maintainer activity (and a response when not the author's own).
 */
export async function applyComments(
  trx: Knex,
  issueId: number,
  comments: CommentSnapshot[],
  options: { issueAuthorLogin: string | null; deletedAt?: Date | null },
): Promise<void> {
  let claimsMayChange = false;
  for (const comment of comments) {
    const maintainer = isMaintainerAssociation(comment.authorAssociation);
    const intent = maintainer || comment.authorIsBot ? null : detectCommentIntent(comment.body);
    // Most comments neither claim nor ever did: then the claims cannot change and are not recomputed.
    const before = await previousIntent(trx, comment.id);
    claimsMayChange ||= intent !== null || (before !== undefined && before !== null);
    await upsertComment(trx, comment, intent, options.deletedAt ?? null);
    if (maintainer && !comment.authorIsBot && !options.deletedAt) {
      const response = isMaintainerResponse(
        { login: comment.authorLogin, association: comment.authorAssociation, isBot: comment.authorIsBot },
        options.issueAuthorLogin,
      );
      await recordMaintainerActivity(trx, issueId, comment.createdAt, { response });
    }
  }
  if (claimsMayChange) await syncClaimSignals(trx, issueId);
}

/**
 * Stores the pull request if newer and keeps its linked issues in step. A merged one is recorded
 * in the contribution outbox (once, ever); returns whether that happened now.
 */
export async function applyPullRequest(trx: Knex, pr: PullRequestSnapshot, via: "webhook" | "backfill"): Promise<{ newContribution: boolean }> {
  const applied = await upsertPullRequest(trx, pr);
  if (applied) await syncLinkedPrSignals(trx, pr);
  return { newContribution: await recordContributionEvent(trx, pr, via) };
}
