import type { Knex } from "knex";
import type { WebhookRegistry } from "../github/inbox/webhook-registry.js";
import type { Queue } from "../queue/types.js";
import { getBotComment } from "./bot/bot-comment-store.js";
import { CONFIG_PATH, type IlluminateConfigCache } from "./bot/load-illuminate-config.js";
import { BOT_COMMENT_JOB, type BotCommentJobData } from "./bot/post-bot-comment.js";
import { bumpDocsVersion, getDocsVersion, invalidateIssue } from "./deep-dive-store.js";

const DOC_FILE = /(^|\/)(readme|contributing)(\.[a-z]+)?$/i;

interface IssuesPayload {
  action?: string;
  issue?: { id?: number; locked?: boolean; pull_request?: unknown };
  label?: { name?: string };
  changes?: Record<string, unknown>;
}

interface PushPayload {
  ref?: string;
  repository?: { id?: number; name?: string; default_branch?: string; owner?: { login?: string; name?: string } };
  commits?: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>;
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

/**
 * Guidance's webhook handlers. They run before the index's handler for the same delivery (specific
 * actions first), so nothing here may rely on the index being updated yet: an edit marks every
 * version stale whatever the index says, and the bot comment is a job that runs afterwards.
 */
export function registerGuidanceWebhooks(
  registry: WebhookRegistry,
  deps: { knex: Knex; queue: Queue; appConfigured: boolean; botConfigs: Pick<IlluminateConfigCache, "forget"> },
): void {
  const { knex, queue } = deps;
  // The bot comments as the App: without its credentials (setup mode, sample data) there is
  // nothing to comment with, so no job is queued only to fail.
  const enqueueComment = async (deliveryRowId: number, data: BotCommentJobData) => {
    if (!deps.appConfigured) return;
    await queue.add<BotCommentJobData>(BOT_COMMENT_JOB, data, { jobId: `bot-comment-${deliveryRowId}`, attempts: 4, backoff: { type: "exponential", delayMs: 2_000 } });
  };

  registry.on(["issues.edited", "issues.labeled"], async (delivery, { log }) => {
    const payload = delivery.payload as IssuesPayload;
    const issueId = payload.issue?.id;
    if (typeof issueId !== "number" || payload.issue?.pull_request) return;
    if (payload.action === "edited") {
      if (payload.changes?.title || payload.changes?.body) {
        const invalidated = await invalidateIssue(knex, issueId);
        if (invalidated > 0) log.info({ issueId, invalidated }, "deep dives invalidated by an edit");
      }
      // Only an issue that already has our comment gets a job: an edit never posts a new one.
      if (delivery.installationId !== null && !payload.issue?.locked && (await getBotComment(knex, issueId))?.commentId) {
        await enqueueComment(delivery.id, { issueId, installationId: delivery.installationId, trigger: "edited", label: null });
      }
      return;
    }
    if (payload.action === "labeled" && delivery.installationId !== null && !payload.issue?.locked && payload.label?.name) {
      await enqueueComment(delivery.id, { issueId, installationId: delivery.installationId, trigger: "labeled", label: payload.label.name });
    }
  });

  registry.on("push", async (delivery, { log }) => {
    const payload = delivery.payload as PushPayload;
    const repositoryId = payload.repository?.id;
    if (typeof repositoryId !== "number" || payload.ref !== `refs/heads/${payload.repository?.default_branch}`) return;
    const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
    const changed = commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
    // GitHub lists at most 20 commits in a push: a longer one may hide a change.
    const long = (payload.commits?.length ?? 0) >= 20;
    const owner = payload.repository?.owner?.login ?? payload.repository?.owner?.name;
    if (owner && payload.repository?.name && (long || changed.includes(CONFIG_PATH))) deps.botConfigs.forget(owner, payload.repository.name);
    const { docPaths } = await getDocsVersion(knex, repositoryId);
    const touchesDocs = long || changed.some((path) => DOC_FILE.test(path) || docPaths.includes(path));
    if (!touchesDocs) return;
    await bumpDocsVersion(knex, repositoryId);
    log.info({ repositoryId }, "deep dives of the repository invalidated by a docs change");
  });
}
