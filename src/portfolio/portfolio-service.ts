import type { DomainContext } from "../domain.js";
import { getPreferences } from "../users/index.js";
import { computeStats, type PortfolioStats } from "./compute-stats.js";
import { getContribution, listContributions, type Contribution } from "./contribution-store.js";
import { findOwnerByGithubId, findOwnerById, findOwnerByLogin, type PortfolioOwner } from "./portfolio-owners.js";

/** A contribution with the GitHub repository id other domains join on. */
export interface OwnedContribution extends Contribution {
  repositoryId: number;
}

/** What other domains may ask of the portfolio: whose contributions, which ones, and their stats. */
export interface PortfolioService {
  ownerById(userId: number): Promise<PortfolioOwner | null>;
  /** The owner of the public portfolio at this login, or null when there is none or it is not public. */
  publicOwnerByLogin(login: string): Promise<PortfolioOwner | null>;
  /** The signed-up user whose GitHub id authored contributions, or null. */
  ownerByGithubId(githubId: number): Promise<PortfolioOwner | null>;
  /** All of the user's merged contributions, private ones too, newest first. */
  contributionsOf(userId: number): Promise<OwnedContribution[]>;
  /** One stored contribution by id (with its author and repository), or null. */
  contributionById(id: number): ReturnType<typeof getContribution>;
  /** The portfolio's stats (totals, weekly streaks, languages) in the user's time zone. */
  statsOf(userId: number): Promise<PortfolioStats | null>;
}

export function createPortfolioService(context: DomainContext): PortfolioService {
  const knex = context.db.knex;
  async function contributionsOf(owner: PortfolioOwner): Promise<OwnedContribution[]> {
    const all = await listContributions(knex, owner, { publicOnly: false });
    const rows: Array<{ id: number; repository_id: number }> = await knex("contributions").where({ author_github_id: owner.githubId }).select("id", "repository_id");
    const repositoryOf = new Map(rows.map((r) => [Number(r.id), Number(r.repository_id)]));
    return all.map((c) => ({ ...c, repositoryId: repositoryOf.get(c.id) ?? 0 }));
  }
  return {
    ownerById: (userId) => findOwnerById(knex, userId),
    ownerByGithubId: (githubId) => findOwnerByGithubId(knex, githubId),
    async publicOwnerByLogin(login) {
      const owner = await findOwnerByLogin(knex, login);
      return owner?.publicPortfolio ? owner : null;
    },
    contributionById: (id) => getContribution(knex, id),
    async contributionsOf(userId) {
      const owner = await findOwnerById(knex, userId);
      return owner ? contributionsOf(owner) : [];
    },
    async statsOf(userId) {
      const owner = await findOwnerById(knex, userId);
      if (!owner) return null;
      const timeZone = (await getPreferences(context.db, userId)).timezone ?? null;
      return computeStats(await listContributions(knex, owner, { publicOnly: false }), { timeZone, now: context.now() });
    },
  };
}
