import { applyComments, applyIssue, isMaintainerResponse } from "../apply-snapshots.js";
import { asNumber, asRecord, asString, isBotAccount, toDate } from "../snapshots/github-values.js";
import { isPullRequestIssue, toCommentSnapshot, toIssueSnapshot } from "../snapshots/from-webhook.js";
import { recordPullRequestResponse } from "../store/pull-request-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/**
 * created, edited, deleted. On an issue: the issue snapshot (comment count), the comment's claim
 * or release, maintainer activity. On a pull request: only the maintainer response time.
 */
export const handleIssueComment: IndexWebhookHandler = async (trx, delivery, context) => {
  const payload = delivery.payload;
  const repository = await resolveRepository(trx, delivery, context);
  if (!repository) return;
  const issuePayload = asRecord(payload.issue);
  const commentPayload = asRecord(payload.comment);

  if (isPullRequestIssue(issuePayload)) {
    const number = asNumber(issuePayload?.number);
    const user = asRecord(commentPayload?.user);
    const login = asString(user?.login);
    const at = toDate(commentPayload?.created_at);
    if (delivery.action !== "created" || !number || !login || !at) return;
    const author = asString(asRecord(issuePayload?.user)?.login);
    const actor = { login, association: asString(commentPayload?.author_association), isBot: isBotAccount(user) };
    if (isMaintainerResponse(actor, author)) {
      await recordPullRequestResponse(trx, { repositoryId: repository.id, number, createdAt: toDate(issuePayload?.created_at) }, at);
    }
    return;
  }

  const issue = toIssueSnapshot(issuePayload, repository.id);
  const comment = issue && toCommentSnapshot(commentPayload, issue.id);
  if (!issue || !comment) {
    context.log.warn("issue_comment event without a usable issue or comment; ignored");
    return;
  }
  await applyIssue(trx, issue, repository.fullName);
  await applyComments(trx, issue.id, [comment], {
    issueAuthorLogin: issue.authorLogin,
    deletedAt: delivery.action === "deleted" ? (toDate(issuePayload?.updated_at) ?? context.now()) : null,
  });
};
