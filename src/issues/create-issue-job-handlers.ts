import type { Logger } from "pino";
import type { DomainContext } from "../domain.js";
import { AppNotConfiguredError } from "../github/create-github-clients.js";
import { GithubNotFoundError, GithubRateLimitedError, toJobError } from "../github/graphql/github-errors.js";
import { PermanentJobError } from "../queue/errors.js";
import type { Job, JobHandler } from "../queue/types.js";
import { backfillRepository } from "./backfill/backfill-repository.js";
import type { ContributionDispatcher } from "./contributions/contribution-dispatcher.js";
import { crawlTrackedRepositories } from "./crawler/crawl-tracked-repositories.js";
import { computeAllRepositoryHealth, computeRepositoryHealth } from "./health/compute-repository-health.js";
import {
  enqueueBackfill,
  enqueueContributionDelivery,
  ISSUE_JOBS,
  type BackfillJobData,
  type CrawlRepositoryJobData,
  type DeliverContributionJobData,
  type ScoreRepositoryJobData,
} from "./issue-jobs.js";
import { getRepository } from "./store/repository-store.js";
import { updateSyncProgress } from "./store/sync-progress-store.js";
import { updateTrackedRepository } from "./store/tracked-repository-store.js";

/** A queued backfill not started after this long is enqueued again by the sweeper. */
const STALE_QUEUED_SYNC_MS = 5 * 60_000;

export function createIssueJobHandlers(context: DomainContext, dispatcher: ContributionDispatcher): Record<string, JobHandler<never>> {
  const { db, queue, github, now } = context;
  const log = context.log.child({ domain: "issues" });
  const knex = db.knex;

  const backfill = async (job: Job<BackfillJobData>) => {
    const repository = await getRepository(knex, job.data.repositoryId);
    if (!repository || repository.deletedAt || repository.installationId === null) return;
    try {
      const client = await github.forInstallation(repository.installationId);
      await backfillRepository({
        knex,
        client,
        repositoryId: repository.id,
        now,
        log,
        onContribution: (id) => enqueueContributionDelivery(queue, id).catch((error: unknown) => log.warn({ err: error }, "contribution not enqueued")),
      });
    } catch (error) {
      // Without the App no installation token exists: say so on the repository's progress, once.
      const classified = error instanceof AppNotConfiguredError ? new PermanentJobError(error.message, { cause: error }) : toJobError(error);
      if (classified instanceof GithubRateLimitedError) {
        // Saved progress makes the next run resume; wait as long as GitHub asked.
        await enqueueBackfill(queue, repository.id, { delayMs: classified.retryAfterMs, key: `resume-${+now()}` });
        log.warn({ repositoryId: repository.id, retryInMs: classified.retryAfterMs }, "backfill paused by a rate limit");
        return;
      }
      if (classified instanceof PermanentJobError || job.attempt >= job.maxAttempts) {
        await updateSyncProgress(knex, repository.id, { status: "failed", error: classified instanceof Error ? classified.message : String(classified) });
      }
      throw classified;
    }
  };

  const crawl = async (trackedIds: number[] | undefined, logger: Logger) => {
    const client = github.forCrawler();
    if (!client) {
      logger.warn("CRAWLER_GITHUB_TOKEN is not set: tracked repositories are not crawled");
      for (const id of trackedIds ?? []) await updateTrackedRepository(knex, id, { status: "failed", error: "the crawler has no GitHub token (CRAWLER_GITHUB_TOKEN)" });
      return;
    }
    try {
      const stats = await crawlTrackedRepositories({ knex, client, now, log: logger, trackedIds });
      logger.info({ ...stats }, "crawl finished");
      if (stats.stoppedForBudget && stats.resumeAt) {
        await queue.add(ISSUE_JOBS.crawlTracked, {}, { jobId: `crawl-resume-${Math.floor(+stats.resumeAt / 1000)}`, lane: "background", delayMs: Math.max(0, +stats.resumeAt - +now()) });
      }
    } catch (error) {
      const classified = toJobError(error);
      if (classified instanceof GithubRateLimitedError) {
        await queue.add(ISSUE_JOBS.crawlTracked, {}, { jobId: `crawl-resume-${Math.floor((+now() + classified.retryAfterMs) / 1000)}`, lane: "background", delayMs: classified.retryAfterMs });
        return;
      }
      throw classified instanceof GithubNotFoundError ? new PermanentJobError(classified.message) : classified;
    }
  };

  const handlers: Record<string, JobHandler<never>> = {
    [ISSUE_JOBS.backfillRepository]: backfill as JobHandler<never>,
    [ISSUE_JOBS.crawlTracked]: (async () => crawl(undefined, log)) as JobHandler<never>,
    [ISSUE_JOBS.crawlRepository]: (async (job: Job<CrawlRepositoryJobData>) => crawl([job.data.trackedId], log)) as JobHandler<never>,
    [ISSUE_JOBS.scoreHealth]: (async () => {
      const scored = await computeAllRepositoryHealth(knex, now(), (repositoryId, error) => log.warn({ repositoryId, err: error }, "health not scored"));
      log.info({ scored }, "repository health scored");
    }) as JobHandler<never>,
    [ISSUE_JOBS.scoreRepository]: (async (job: Job<ScoreRepositoryJobData>) => {
      await computeRepositoryHealth(knex, job.data.repositoryId, now());
    }) as JobHandler<never>,
    [ISSUE_JOBS.deliverContribution]: (async (job: Job<DeliverContributionJobData>) => dispatcher.deliver(job.data.githubPrId)) as JobHandler<never>,
    [ISSUE_JOBS.sweep]: (async () => {
      await dispatcher.sweep();
      const stale: Array<{ repository_id: number }> = await knex("repository_syncs")
        .where({ status: "queued" })
        .where("updated_at", "<", new Date(+now() - STALE_QUEUED_SYNC_MS))
        .limit(200)
        .select("repository_id");
      for (const row of stale) await enqueueBackfill(queue, Number(row.repository_id), { key: `sweep-${+now()}` });
    }) as JobHandler<never>,
  };
  return handlers;
}
