import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GraphqlClient } from "../../github/graphql/run-graphql.js";
import { listCrawlCandidates } from "../store/tracked-repository-store.js";
import { createCrawlBudget, type CrawlBudgetOptions } from "./crawl-budget.js";
import { emptyCrawlStats, type CrawlProgress, type CrawlStats } from "./crawl-types.js";
import { fetchChangedIssues } from "./fetch-changed-issues.js";
import { probeTrackedRepositories } from "./probe-tracked-repositories.js";

export interface CrawlOptions {
  knex: Knex;
  client: GraphqlClient;
  now: () => Date;
  log: Logger;
  /** only these tracked repositories (ids); all that are due otherwise */
  trackedIds?: number[];
  budget?: Partial<CrawlBudgetOptions>;
  onProgress?: (progress: CrawlProgress) => void;
}

export const DEFAULT_RESERVE_POINTS = 500;

/**
 * One crawl cycle over tracked repositories that are not installed: a cheap probe for all of
 * them, then only the issues that changed since each one's last pass. Stops before the rate
 * budget runs out and reports when it can go on (stats.resumeAt).
 */
export async function crawlTrackedRepositories(options: CrawlOptions): Promise<CrawlStats> {
  const budget = createCrawlBudget({
    reservePoints: DEFAULT_RESERVE_POINTS,
    slowBelowPoints: DEFAULT_RESERVE_POINTS * 3,
    maxPauseMs: 10_000,
    now: () => +options.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...options.budget,
  });
  const stats = emptyCrawlStats();
  const run = { knex: options.knex, client: options.client, budget, now: options.now, log: options.log, stats, onProgress: options.onProgress };
  const candidates = await listCrawlCandidates(options.knex, { ids: options.trackedIds });
  if (candidates.length === 0) return stats;

  const pending = await probeTrackedRepositories(run, candidates);
  const outcome = pending === "stopped" ? "stopped" : await fetchChangedIssues(run, pending);
  if (outcome === "stopped") {
    stats.stoppedForBudget = true;
    stats.resumeAt = budget.resetAt();
    options.log.warn({ resumeAt: stats.resumeAt, spent: stats.points }, "crawl stopped before the rate budget ran out");
  }
  return stats;
}
