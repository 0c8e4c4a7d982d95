import type { Domain, DomainContext } from "./domain.js";
import { createGrowthDomain } from "./growth/create-growth-domain.js";
import { createGuidanceDomain } from "./guidance/create-guidance-domain.js";
import { createIssuesDomain } from "./issues/create-issues-domain.js";
import { createIssueSourceForGuidance } from "./issues/get-issue-for-guidance.js";
import { createMatchingDomain } from "./matching/create-matching-domain.js";
import { listIssueWatchers, listUndeliveredWatchEvents, markWatchEventsDelivered } from "./matching/watchlist/deliver-watch-events.js";
import { createNotificationsDomain } from "./notifications/create-notifications-domain.js";
import { createMatchingService } from "./matching/matching-service.js";
import { createPortfolioDomain } from "./portfolio/create-portfolio-domain.js";
import { createPortfolioService } from "./portfolio/portfolio-service.js";
import { createUsersDomain, getUserEmail, getUserIdByGithubId } from "./users/index.js";

/**
 * Every domain of the product, in dependency order. A domain that needs another receives that
 * domain's service functions here, never its tables.
 */
export async function createDomains(context: DomainContext): Promise<Domain[]> {
  const users = createUsersDomain(context);
  const issues = await createIssuesDomain(context, { auth: users.auth });
  const issueSource = createIssueSourceForGuidance(context.db.knex);
  const guidance = createGuidanceDomain(context, { issues: issueSource, auth: users.auth });
  const portfolio = createPortfolioDomain(context, { users, issues });
  const matching = createMatchingDomain(context, { users, issues });
  const portfolioService = createPortfolioService(context);
  const matchingService = createMatchingService(context);
  const growth = createGrowthDomain(context, { users, portfolio: portfolioService, matching: matchingService });
  portfolio.onContributionEnriched(growth.onContributionEnriched);
  const { db } = context;
  const notifications = createNotificationsDomain(context, {
    users: { auth: users.auth, emailOf: (id) => getUserEmail(db, id), userIdByGithubId: (id) => getUserIdByGithubId(db, id) },
    watch: { listUndelivered: (limit) => listUndeliveredWatchEvents(db.knex, limit), markDelivered: (ids, at) => markWatchEventsDelivered(db.knex, ids, at) },
    matches: { topMatches: async (userId, limit) => (await matchingService.feed(userId, { limit })).items },
    watchersOf: (issueId) => listIssueWatchers(db.knex, issueId),
    issueHeader: (issueId) => issueSource.getIssueHeader(issueId),
    contribution: (id) => portfolioService.contributionById(id),
    onContributionEnriched: (listener) => portfolio.onContributionEnriched(listener),
    onDeepDiveReady: (listener) => guidance.onDeepDiveReady(listener),
  });
  return [users, issues, guidance, portfolio, matching, growth, notifications];
}
