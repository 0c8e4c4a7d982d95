import type { Knex } from "knex";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { GithubClients } from "../../github/create-github-clients.js";
import { PermanentJobError } from "../../queue/errors.js";
import type { Job } from "../../queue/types.js";
import { assembleContext } from "../assemble-context.js";
import type { GuidanceRateLimiters } from "../create-rate-limiters.js";
import { createRepositoryReader } from "../repository-reader.js";
import type { IssueSource } from "../issue-source.js";
import { claimBotComment, getBotComment, markBotCommentDeleted, releaseBotComment, saveBotComment } from "./bot-comment-store.js";
import type { IlluminateConfigCache } from "./load-illuminate-config.js";
import { BOT_MARKER, renderBotComment } from "./render-bot-comment.js";

export const BOT_COMMENT_JOB = "guidance.botComment";

export interface BotCommentJobData {
  issueId: number;
  installationId: number;
  /** labeled: post or update; edited: update an existing comment only */
  trigger: "labeled" | "edited";
  label: string | null;
}

export interface BotCommentDeps {
  knex: Knex;
  issues: IssueSource;
  github: GithubClients;
  limiters: GuidanceRateLimiters;
  publicUrl: string;
  log: Logger;
  /** the repositories' `.github/illuminate.yml`, read through a short cache */
  configs: IlluminateConfigCache;
  /** a claim with no comment after this long belongs to a worker that died */
  claimStaleAfterMs?: number;
}

const status = (error: unknown) => (error as { status?: number }).status;

async function findOwnComment(octokit: ProbotOctokit, owner: string, repo: string, number: number): Promise<number | null> {
  let pages = 0;
  for await (const page of octokit.paginate.iterator("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: number, per_page: 100 })) {
    const mine = page.data.find((c) => c.user?.type === "Bot" && (c.body ?? "").includes(BOT_MARKER));
    if (mine) return Number(mine.id);
    if (++pages >= 5) break;
  }
  return null;
}

/**
 * The `guidance.botComment` job: one teaser comment per labelled issue, edited in place on relabel
 * or edit, never on a locked issue, a disabled repository or after a maintainer deleted it. Every
 * write waits for the installation's write slot (one per second).
 */
export function createBotCommentJob(deps: BotCommentDeps) {
  const { knex, issues, github, limiters, log } = deps;
  const staleAfterMs = deps.claimStaleAfterMs ?? 120_000;
  return async (job: Job<BotCommentJobData>): Promise<void> => {
    const { issueId, installationId, trigger, label } = job.data;
    const jobLog = log.child({ issueId, trigger });
    const issue = await issues.getIssueForGuidance(issueId);
    // The index writes the issue in the same delivery; a retry finds it.
    if (!issue) throw new Error(`issue ${issueId} is not in the index yet`);
    if (issue.locked) return jobLog.info("bot comment skipped: issue locked");
    const existing = await getBotComment(knex, issueId);
    if (existing?.deletedAt) return jobLog.info("bot comment skipped: a maintainer deleted it");
    if (trigger === "edited" && !existing?.commentId) return;

    const { owner, name } = issue.repository;
    const octokit = await github.forInstallation(installationId);
    const loaded = await deps.configs.load(octokit, owner, name);
    if (!loaded.ok) return jobLog.warn({ source: loaded.source, problem: loaded.problem }, "bot comment skipped: invalid .github/illuminate.yml");
    const { config } = loaded;
    if (!config.enabled) return jobLog.info("bot comment skipped: disabled by the repository's config");
    const configured = (l: string) => config.labels.some((c) => c.toLowerCase() === l.toLowerCase());
    if (trigger === "labeled" && !(label && configured(label))) return;
    if (trigger === "edited" && !issue.labels.some(configured)) return;

    const context = await assembleContext(issue, createRepositoryReader(octokit, owner, name), issues, { webUrl: github.webUrl, light: true });
    const { body, hash } = renderBotComment({
      facts: context.facts,
      relevantPaths: context.relevantPaths,
      link: `${deps.publicUrl}/issues/${owner}/${name}/${issue.number}`,
      // The index may not have the label this delivery added yet; the delivery says it.
      labels: [...new Set([...issue.labels.filter(configured), ...(label && configured(label) ? [label] : [])])],
      mentionAvailability: config.mentionAvailability,
      template: config.commentTemplate,
    });

    let commentId = existing?.commentId ?? null;
    if (commentId === null) {
      const claim = await claimBotComment(knex, issueId, staleAfterMs);
      // Another delivery is posting right now; once it has, this retry edits its comment.
      if (!claim) throw new Error(`another job is posting the comment on issue ${issueId}`);
      // A worker that died after posting may have left the comment without its id here.
      if (claim === "stale") commentId = await findOwnComment(octokit, owner, name, issue.number);
    } else if (existing?.bodyHash === hash) {
      return jobLog.debug("bot comment unchanged");
    }

    await limiters.waitForWriteSlot(installationId);
    try {
      if (commentId !== null) {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner, repo: name, comment_id: commentId, body });
        jobLog.info({ commentId }, "bot comment updated");
      } else {
        const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo: name, issue_number: issue.number, body });
        commentId = Number(data.id);
        jobLog.info({ commentId }, "bot comment posted");
      }
    } catch (error) {
      if (existing?.commentId && status(error) === 404) {
        await markBotCommentDeleted(knex, issueId);
        return jobLog.info("bot comment was deleted; not posting again");
      }
      if (!existing?.commentId) await releaseBotComment(knex, issueId);
      if (status(error) === 403 || status(error) === 410 || status(error) === 422) {
        throw new PermanentJobError(`GitHub refused the bot comment (${status(error)})`, { cause: error });
      }
      throw error;
    }
    await saveBotComment(knex, issueId, commentId, hash);
  };
}
