import type { Domain, DomainContext } from "../domain.js";
import type { IssuesDomain } from "../issues/issues-service.js";
import type { UsersDomain } from "../users/index.js";
import { createMatchingRoutes } from "./create-matching-routes.js";
import { createSignedCursor } from "./signed-cursor.js";
import { refreshIssueSkills, refreshStaleIssueSkills } from "./skills/refresh-issue-skills.js";
import { recordWatchEvents } from "./watchlist/record-watch-events.js";

export const MATCHING_JOBS = { refreshSkills: "matching.refresh-skills" } as const;

/**
 * The personalised feed, search, thumbs feedback and the watchlist. Issue skills are derived here
 * right after the issues domain has indexed a delivery (its handlers are registered first), and a
 * sweep catches issues that arrived through the crawler.
 */
export function createMatchingDomain(context: DomainContext, deps: { users: UsersDomain; issues: IssuesDomain }): Domain {
  const { db, config, log } = context;
  return {
    name: "matching",
    api: createMatchingRoutes({
      db,
      auth: deps.users.auth,
      weights: config.feedWeights,
      cursors: createSignedCursor(config.sessionSecret),
      webUrl: config.github.webUrl,
      now: context.now,
    }),
    webhooks(registry) {
      // A renamed or deleted repository label touches its issues' rows; the sweep below picks those up.
      registry.on("issues", async (delivery) => {
        const issueId = (delivery.payload as { issue?: { id?: number } }).issue?.id;
        if (issueId) await refreshIssueSkills(db.knex, [issueId]);
      });
      registry.on(["issues", "issue_comment", "pull_request"], async (delivery) => {
        const recorded = await recordWatchEvents(db.knex, delivery);
        if (recorded > 0) log.debug({ recorded, delivery: delivery.deliveryId }, "watch events recorded");
      });
    },
    jobs: {
      [MATCHING_JOBS.refreshSkills]: async () => {
        let total = 0;
        for (let round = 0; round < 20; round++) {
          const refreshed = await refreshStaleIssueSkills(db.knex);
          total += refreshed;
          if (refreshed < 500) break;
        }
        if (total > 0) log.info({ refreshed: total }, "issue skills refreshed");
      },
    },
    schedules: [{ id: "matching-refresh-skills", job: MATCHING_JOBS.refreshSkills, everyMs: 5 * 60_000, lane: "background" }],
  };
}
