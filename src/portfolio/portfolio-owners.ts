import type { Knex } from "knex";
import { getUser, getUserByLogin, getUserIdByGithubId, listActiveUserIds as activeUserIds, type User } from "../users/index.js";

/** Whose portfolio: the few user fields the portfolio shows and matches contributions on. */
export interface PortfolioOwner {
  userId: number;
  githubId: number;
  login: string;
  name: string | null;
  avatarUrl: string | null;
  bio: string | null;
  publicPortfolio: boolean;
}

const toOwner = (user: User | null): PortfolioOwner | null =>
  user && {
    userId: user.id,
    githubId: user.githubId,
    login: user.login,
    name: user.name,
    avatarUrl: user.avatarUrl,
    bio: user.bio,
    publicPortfolio: user.publicProfile,
  };

// Users are read through the users domain's surface; a public URL names them by login.
export const findOwnerByLogin = async (knex: Knex, login: string): Promise<PortfolioOwner | null> => toOwner(await getUserByLogin({ knex }, login));

export const findOwnerById = async (knex: Knex, id: number): Promise<PortfolioOwner | null> => toOwner(await getUser({ knex }, id));

export async function findOwnerByGithubId(knex: Knex, githubId: number): Promise<PortfolioOwner | null> {
  const id = await getUserIdByGithubId({ knex }, githubId);
  return id === null ? null : findOwnerById(knex, id);
}

/** Users the daily search runs for: signed in within the last 90 days. */
export const listActiveUserIds = (knex: Knex): Promise<number[]> => activeUserIds({ knex }, 90);
