import type { Queue } from "../queue/types.js";

/** Every job the issues domain runs. Data is ids only. */
export const ISSUE_JOBS = {
  backfillRepository: "issues.backfill-repository",
  crawlTracked: "issues.crawl-tracked",
  crawlRepository: "issues.crawl-repository",
  scoreHealth: "issues.score-health",
  scoreRepository: "issues.score-repository",
  deliverContribution: "issues.deliver-contribution",
  sweep: "issues.sweep",
} as const;

export interface BackfillJobData {
  repositoryId: number;
}

export interface CrawlRepositoryJobData {
  trackedId: number;
}

export interface ScoreRepositoryJobData {
  repositoryId: number;
}

export interface DeliverContributionJobData {
  githubPrId: number;
}

/**
 * `key` separates runs that must not be deduplicated against an earlier one (an on-demand
 * backfill, a resume after a rate limit); without it a backfill already queued is not queued twice.
 */
export async function enqueueBackfill(queue: Queue, repositoryId: number, options: { delayMs?: number; key?: string } = {}): Promise<void> {
  await queue.add<BackfillJobData>(ISSUE_JOBS.backfillRepository, { repositoryId }, {
    jobId: options.key ? `backfill-${repositoryId}-${options.key}` : `backfill-${repositoryId}`,
    lane: "background",
    delayMs: options.delayMs,
    attempts: 5,
    backoff: { type: "exponential", delayMs: 30_000 },
  });
}

/** A re-delivery (the sweeper) passes a `key`, since the first job may still be retained, completed. */
export async function enqueueContributionDelivery(queue: Queue, githubPrId: number, key?: string): Promise<void> {
  await queue.add<DeliverContributionJobData>(ISSUE_JOBS.deliverContribution, { githubPrId }, {
    jobId: key ? `contribution-${githubPrId}-${key}` : `contribution-${githubPrId}`,
    attempts: 8,
    backoff: { type: "exponential", delayMs: 5_000 },
  });
}

/** `key` names the occasion (a day, a finished backfill) so one occasion scores once. */
export async function enqueueHealthScore(queue: Queue, repositoryId: number, key: string): Promise<void> {
  await queue.add<ScoreRepositoryJobData>(ISSUE_JOBS.scoreRepository, { repositoryId }, { jobId: `health-${repositoryId}-${key}`, lane: "background" });
}
