import type { Domain, DomainContext } from "./domain.js";
import { createGuidanceDomain } from "./guidance/create-guidance-domain.js";
import { createIssuesDomain } from "./issues/create-issues-domain.js";
import { createIssueSourceForGuidance } from "./issues/get-issue-for-guidance.js";
import { createMatchingDomain } from "./matching/create-matching-domain.js";
import { createPortfolioDomain } from "./portfolio/create-portfolio-domain.js";
import { createUsersDomain } from "./users/index.js";

/**
 * Every domain of the product, in dependency order. A domain that needs another receives that
 * domain's service functions here, never its tables.
 */
export async function createDomains(context: DomainContext): Promise<Domain[]> {
  const users = createUsersDomain(context);
  const issues = await createIssuesDomain(context);
  const guidance = createGuidanceDomain(context, { issues: createIssueSourceForGuidance(context.db.knex), auth: users.auth });
  const portfolio = createPortfolioDomain(context, { users, issues });
  const matching = createMatchingDomain(context, { users, issues });
  return [users, issues, guidance, portfolio, matching];
}
