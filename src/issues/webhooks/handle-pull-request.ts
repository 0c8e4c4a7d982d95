import type { Queue } from "../../queue/types.js";
import { applyPullRequest, isMaintainerResponse } from "../apply-snapshots.js";
import { enqueueContributionDelivery } from "../issue-jobs.js";
import { asRecord, asString, isBotAccount, toDate } from "../snapshots/github-values.js";
import { toPullRequestSnapshot } from "../snapshots/from-webhook.js";
import { recordPullRequestResponse } from "../store/pull-request-store.js";
import { resolveRepository, type IndexWebhookHandler } from "./webhook-context.js";

/**
 * Every pull_request action carries the whole pull request: store it when newer, relink the
 * issues its closing keywords name, and record a merge once for the contributions domain.
 * A label put on by someone else than the author counts as a maintainer response.
 */
export function createPullRequestHandler(queue: Queue): IndexWebhookHandler {
  return async (trx, delivery, context) => {
    const payload = delivery.payload;
    const repository = await resolveRepository(trx, delivery, context);
    if (!repository) return;
    const pr = toPullRequestSnapshot(payload.pull_request, repository, context.webUrl);
    if (!pr) {
      context.log.warn("pull_request event without a usable pull request; ignored");
      return;
    }
    const { newContribution } = await applyPullRequest(trx, pr, "webhook");
    if (newContribution) context.afterCommit.push(() => enqueueContributionDelivery(queue, pr.githubId));

    if (delivery.action === "labeled") {
      const sender = asRecord(payload.sender);
      const login = asString(sender?.login);
      if (login && isMaintainerResponse({ login, association: "MEMBER", isBot: isBotAccount(sender) }, pr.authorLogin)) {
        await recordPullRequestResponse(trx, { repositoryId: repository.id, number: pr.number, createdAt: pr.createdAt }, pr.updatedAt);
      }
    }
  };
}

/** A submitted review by a maintainer other than the author is a response to the pull request. */
export function createPullRequestReviewHandler(queue: Queue): IndexWebhookHandler {
  const handlePullRequest = createPullRequestHandler(queue);
  return async (trx, delivery, context) => {
    await handlePullRequest(trx, { ...delivery, action: "reviewed" }, context);
    const review = asRecord(delivery.payload.review);
    const user = asRecord(review?.user);
    const login = asString(user?.login);
    const at = toDate(review?.submitted_at);
    const pr = asRecord(delivery.payload.pull_request);
    const number = typeof pr?.number === "number" ? pr.number : null;
    const repositoryId = asRecord(delivery.payload.repository)?.id;
    if (!login || !at || !number || typeof repositoryId !== "number") return;
    const actor = { login, association: asString(review?.author_association), isBot: isBotAccount(user) };
    if (isMaintainerResponse(actor, asString(asRecord(pr?.user)?.login))) {
      await recordPullRequestResponse(trx, { repositoryId, number, createdAt: toDate(pr?.created_at) }, at);
    }
  };
}
