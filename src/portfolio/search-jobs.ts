import type { Knex } from "knex";
import type { Logger } from "pino";
import type { GithubClients } from "../github/create-github-clients.js";
import type { Queue, Job } from "../queue/types.js";
import { GithubAuthorizationRevokedError } from "../users/index.js";
import { findOwnerById, listActiveUserIds } from "./portfolio-owners.js";
import type { RateBudget } from "./rate-budget.js";
import { searchMergedPullRequests } from "./search-merged-prs.js";

export const SEARCH_ALL_JOB = "portfolio.search-all";
export const SEARCH_USER_JOB = "portfolio.search-user";

export interface SearchJobDeps {
  knex: Knex;
  queue: Queue;
  github: GithubClients;
  getUserToken: (userId: number) => Promise<string>;
  budget: RateBudget;
  log: Logger;
  now: () => Date;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export function createSearchJobs(deps: SearchJobDeps) {
  return {
    /** Daily: one search job per user, at most one per user per day whatever the retries. */
    [SEARCH_ALL_JOB]: async (): Promise<void> => {
      const today = day(deps.now());
      for (const userId of await listActiveUserIds(deps.knex)) {
        await deps.queue.add(SEARCH_USER_JOB, { userId }, { jobId: `portfolio-search-${userId}-${today}`, lane: "background" });
      }
    },
    [SEARCH_USER_JOB]: async (job: Job<{ userId: number }>): Promise<void> => {
      const owner = await findOwnerById(deps.knex, job.data.userId);
      if (!owner) return;
      let token: string;
      try {
        token = await deps.getUserToken(owner.userId);
      } catch (error) {
        if (error instanceof GithubAuthorizationRevokedError) return;
        throw error;
      }
      const state: { searched_through: Date } | undefined = await deps.knex("portfolio_search_state").where({ user_id: owner.userId }).first("searched_through");
      const startedAt = deps.now();
      const result = await searchMergedPullRequests({
        knex: deps.knex,
        queue: deps.queue,
        octokit: deps.github.forUser(token),
        budget: deps.budget,
        owner: { userId: owner.userId, githubId: owner.githubId, login: owner.login },
        since: state?.searched_through ?? null,
      });
      // Only after a complete run, so a failed one is searched again from the same point.
      await deps.knex("portfolio_search_state")
        .insert({ user_id: owner.userId, searched_through: startedAt, updated_at: startedAt })
        .onConflict("user_id")
        .merge({ searched_through: startedAt, updated_at: startedAt });
      deps.log.info({ userId: owner.userId, ...result }, "portfolio search done");
    },
  };
}
