import { Router, type RequestHandler } from "express";
import type { Domain, DomainContext } from "../domain.js";
import { createContributionDispatcher, type ContributionListener } from "./contributions/contribution-dispatcher.js";
import { createIssueJobHandlers } from "./create-issue-job-handlers.js";
import { ISSUE_JOBS } from "./issue-jobs.js";
import { createMaintainerRoutes } from "./maintainers/create-maintainer-routes.js";
import { createMaintainerAccess } from "./maintainers/maintainer-access.js";
import { createRepositoryRoutes } from "./routes/create-repository-routes.js";
import { seedTrackedRepositories } from "./store/tracked-repository-store.js";
import { registerIssueWebhooks } from "./webhooks/register-issue-webhooks.js";

export interface IssuesDomain extends Domain {
  /**
   * Merged pull requests, once each, for the contributions domain. Listeners must be idempotent
   * (delivery is at least once); events recorded before any listener wait in the outbox.
   */
  onContributionDetected(listener: ContributionListener): void;
}

const HOUR_MS = 3_600_000;

/**
 * The issue index and repository health: webhook handlers for installed repositories, backfill
 * on install, the crawler for tracked ones, the health scorer, and the tracked-repositories API.
 * Read functions for other domains are in issues-service.ts.
 */
export async function createIssuesDomain(context: DomainContext, deps: { auth?: { requireUser: RequestHandler } } = {}): Promise<IssuesDomain> {
  const { config, db, queue, log } = context;
  const dispatcher = createContributionDispatcher({ knex: db.knex, queue, log: log.child({ domain: "issues" }) });
  const added = await seedTrackedRepositories(db.knex, config.github.trackedRepos);
  if (added > 0) log.info({ added }, "tracked repositories seeded from TRACKED_REPOS");

  const api = Router();
  api.use(createRepositoryRoutes({ knex: db.knex, queue, adminToken: config.adminToken, production: config.env === "production" }));
  if (deps.auth) {
    // Every installation is shown only where operator endpoints are open too: a laptop without the App or ADMIN_TOKEN.
    const openInDevelopment = config.env !== "production" && !config.github.appConfigured && !config.adminToken;
    const access = createMaintainerAccess({ knex: db.knex, github: context.github, openInDevelopment });
    api.use(createMaintainerRoutes({ knex: db.knex, access, requireUser: deps.auth.requireUser, now: context.now }));
  }

  return {
    name: "issues",
    api,
    webhooks(registry) {
      registerIssueWebhooks(registry, { knex: db.knex, queue, webUrl: config.github.webUrl, now: context.now });
    },
    jobs: createIssueJobHandlers(context, dispatcher),
    schedules: [
      { id: "issues-crawl-tracked", job: ISSUE_JOBS.crawlTracked, everyMs: 6 * HOUR_MS, lane: "background" },
      { id: "issues-score-health", job: ISSUE_JOBS.scoreHealth, everyMs: 24 * HOUR_MS, lane: "background" },
      { id: "issues-sweep", job: ISSUE_JOBS.sweep, everyMs: 10 * 60_000 },
    ],
    onContributionDetected: dispatcher.onContributionDetected,
  };
}
