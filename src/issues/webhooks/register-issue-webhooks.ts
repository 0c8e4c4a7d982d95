import type { Knex } from "knex";
import type { WebhookRegistry } from "../../github/inbox/webhook-registry.js";
import type { Queue } from "../../queue/types.js";
import { handleIssueComment } from "./handle-issue-comment.js";
import { handleIssues } from "./handle-issues.js";
import { createInstallationHandler, createInstallationRepositoriesHandler } from "./handle-installation.js";
import { handleLabel } from "./handle-label.js";
import { createPullRequestHandler, createPullRequestReviewHandler } from "./handle-pull-request.js";
import { handlePush } from "./handle-push.js";
import { handleRepository } from "./handle-repository.js";
import type { IndexWebhookHandler, WebhookContext } from "./webhook-context.js";

export interface IssueWebhooksOptions {
  knex: Knex;
  queue: Queue;
  webUrl: string;
  now: () => Date;
}

/**
 * The index's webhook handlers. Each delivery is applied in one transaction (all or nothing, so a
 * retry starts clean); jobs that read what it wrote are enqueued only after it commits.
 */
export function registerIssueWebhooks(registry: WebhookRegistry, options: IssueWebhooksOptions): void {
  const { knex, queue, webUrl, now } = options;
  const inTransaction =
    (handler: IndexWebhookHandler): Parameters<WebhookRegistry["on"]>[1] =>
    async (delivery, { log }) => {
      const context: WebhookContext = { knex, webUrl, now, afterCommit: [], log };
      await knex.transaction((trx) => handler(trx, delivery, context));
      for (const task of context.afterCommit) {
        // The rows are committed; a sweeper picks up what could not be enqueued now.
        await task().catch((error: unknown) => log.warn({ err: error }, "follow-up job not enqueued"));
      }
    };

  registry.on(
    ["installation.created", "installation.deleted", "installation.suspend", "installation.unsuspend", "installation.new_permissions_accepted"],
    inTransaction(createInstallationHandler(queue)),
  );
  registry.on(["installation_repositories.added", "installation_repositories.removed"], inTransaction(createInstallationRepositoriesHandler(queue)));
  registry.on("repository", inTransaction(handleRepository));
  registry.on("issues", inTransaction(handleIssues));
  registry.on(["label.edited", "label.deleted"], inTransaction(handleLabel));
  registry.on("issue_comment", inTransaction(handleIssueComment));
  registry.on("pull_request", inTransaction(createPullRequestHandler(queue)));
  registry.on("pull_request_review.submitted", inTransaction(createPullRequestReviewHandler(queue)));
  registry.on("push", inTransaction(handlePush));
}
