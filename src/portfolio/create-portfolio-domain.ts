import type { Domain, DomainContext } from "../domain.js";
import { getPreferences, type AuthMiddleware } from "../users/index.js";
import { createEnrichJob, ENRICH_JOB, type ContributionEnrichedListener } from "./enrich-contribution.js";
import { createPortfolioRoutes } from "./portfolio-routes.js";
import { createRateBudget } from "./rate-budget.js";
import { createContributionListener } from "./record-contribution.js";
import { createSearchJobs, SEARCH_ALL_JOB } from "./search-jobs.js";
import { createWidgetService } from "./widget/widget-service.js";

export interface PortfolioDeps {
  users: { auth: AuthMiddleware; getUserToken: (userId: number) => Promise<string> };
  issues: { onContributionDetected(listener: ReturnType<typeof createContributionListener>): void };
}

const DAY_MS = 24 * 3600_000;

export interface PortfolioDomain extends Domain {
  /** Register at composition time: called once a contribution is enriched (at least once; be idempotent). */
  onContributionEnriched(listener: ContributionEnrichedListener): void;
}

/**
 * Merged contributions (webhook events, a daily search, manual adds), their enrichment, stats,
 * the public portfolio, README cards and exports.
 */
export function createPortfolioDomain(context: DomainContext, deps: PortfolioDeps): PortfolioDomain {
  const { db, queue, github, now, config } = context;
  const log = context.log.child({ domain: "portfolio" });
  const knex = db.knex;
  const timeZoneOf = async (userId: number) => (await getPreferences(db, userId)).timezone ?? null;
  deps.issues.onContributionDetected(createContributionListener({ knex, queue, webUrl: config.github.webUrl }));
  // One budget per process: GitHub counts 30 searches a minute per user token, so this is cautious.
  const budget = createRateBudget({ perWindow: 30, windowMs: 60_000 });
  const widget = createWidgetService({ knex, now, timeZoneOf });
  const enrichedListeners: ContributionEnrichedListener[] = [];
  return {
    name: "portfolio",
    api: createPortfolioRoutes({ knex, queue, github, auth: deps.users.auth, getUserToken: deps.users.getUserToken, timeZoneOf, widget, now }),
    jobs: {
      [ENRICH_JOB]: createEnrichJob({ knex, github, getUserToken: deps.users.getUserToken, log, now, listeners: enrichedListeners }),
      ...createSearchJobs({ knex, queue, github, getUserToken: deps.users.getUserToken, budget, log, now }),
    } as Domain["jobs"],
    schedules: [{ id: "portfolio-search-all", job: SEARCH_ALL_JOB, everyMs: DAY_MS, lane: "background" }],
    onContributionEnriched: (listener) => void enrichedListeners.push(listener),
  };
}
