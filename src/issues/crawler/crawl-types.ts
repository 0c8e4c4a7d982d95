import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GraphqlClient } from "../../github/graphql/run-graphql.js";
import type { CrawlCandidate } from "../store/tracked-repository-store.js";
import type { CrawlBudget } from "./crawl-budget.js";

export interface CrawlStats {
  repositories: number;
  requests: number;
  /** points GitHub reported spending (rateLimit.cost) */
  points: number;
  issuesFetched: number;
  changedRepositories: number;
  vanished: number;
  archived: number;
  skippedInstalled: number;
  stoppedForBudget: boolean;
  resumeAt: Date | null;
}

export interface CrawlProgress {
  fullName: string;
  fetched: number;
  total: number;
}

export interface CrawlRun {
  knex: Knex;
  client: GraphqlClient;
  budget: CrawlBudget;
  now: () => Date;
  log: Logger;
  stats: CrawlStats;
  onProgress?: (progress: CrawlProgress) => void;
}

/** A repository with changed issues, between pages. */
export interface PendingRepository {
  candidate: CrawlCandidate;
  repositoryId: number;
  fullName: string;
  nodeId: string;
  since: string | null;
  states: Array<"OPEN" | "CLOSED"> | null;
  total: number;
  fetched: number;
  after: string | null;
  maxSeen: Date | null;
}

export const emptyCrawlStats = (): CrawlStats => ({
  repositories: 0,
  requests: 0,
  points: 0,
  issuesFetched: 0,
  changedRepositories: 0,
  vanished: 0,
  archived: 0,
  skippedInstalled: 0,
  stoppedForBudget: false,
  resumeAt: null,
});
