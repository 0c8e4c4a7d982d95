import type { RateLimitInfo } from "../../github/graphql/run-graphql.js";

export interface CrawlBudgetOptions {
  /** never spend the last this-many points: webhooks' follow-ups and users' requests need them */
  reservePoints: number;
  /** below this many points left, queries are spread out until the window resets */
  slowBelowPoints: number;
  /** longest pause between two queries when slowing down */
  maxPauseMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface CrawlBudget {
  /** Record what GitHub said after a query. */
  observe(rateLimit: RateLimitInfo | null): void;
  /** Before a query of this cost: go (perhaps after a pause) or stop for this window. */
  beforeQuery(points: number): Promise<"go" | "stop">;
  /** When the budget is next full again, if GitHub told us. */
  resetAt(): Date | null;
  /** points reported spent so far */
  spent(): number;
}

/**
 * Reads `rateLimit { cost remaining resetAt }` from each answer. Stops before a query would take
 * the remaining points below the reserve; below `slowBelowPoints` it spaces queries so what is
 * left lasts until the window resets. Before the first answer nothing is known, so it goes.
 */
export function createCrawlBudget(options: CrawlBudgetOptions): CrawlBudget {
  let last: RateLimitInfo | null = null;
  let spent = 0;
  return {
    observe(rateLimit) {
      if (!rateLimit) return;
      last = rateLimit;
      spent += rateLimit.cost;
    },
    async beforeQuery(points) {
      if (!last) return "go";
      if (+last.resetAt <= options.now()) return "go";
      if (last.remaining - points < options.reservePoints) return "stop";
      if (last.remaining < options.slowBelowPoints) {
        const queriesLeft = Math.max(1, (last.remaining - options.reservePoints) / Math.max(1, points));
        const pause = Math.min(options.maxPauseMs, (+last.resetAt - options.now()) / queriesLeft);
        if (pause > 0) await options.sleep(pause);
      }
      return "go";
    },
    resetAt: () => last?.resetAt ?? null,
    spent: () => spent,
  };
}
