import type { Knex } from "knex";

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

interface OwnerRow {
  id: number;
  github_id: number;
  login: string;
  name: string | null;
  avatar_url: string | null;
  bio: string | null;
  public_portfolio: boolean;
}

const COLUMNS = ["id", "github_id", "login", "name", "avatar_url", "bio", "public_portfolio"];

const toOwner = (row: OwnerRow): PortfolioOwner => ({
  userId: Number(row.id),
  githubId: Number(row.github_id),
  login: row.login,
  name: row.name,
  avatarUrl: row.avatar_url,
  bio: row.bio,
  publicPortfolio: row.public_portfolio,
});

// The users domain exposes users by id only; a public URL names them by login, so this one read
// of the users table (by its lower(login) index) lives here.
export async function findOwnerByLogin(knex: Knex, login: string): Promise<PortfolioOwner | null> {
  const row: OwnerRow | undefined = await knex("users").whereRaw("lower(login) = ?", [login.toLowerCase()]).whereNull("deleted_at").orderBy("updated_at", "desc").first(COLUMNS);
  return row ? toOwner(row) : null;
}

export async function findOwnerById(knex: Knex, id: number): Promise<PortfolioOwner | null> {
  const row: OwnerRow | undefined = await knex("users").where({ id }).whereNull("deleted_at").first(COLUMNS);
  return row ? toOwner(row) : null;
}

/** Users the daily search runs for: signed in within the last 90 days. */
export async function listActiveUserIds(knex: Knex): Promise<number[]> {
  const rows: Array<{ id: number }> = await knex("users")
    .whereNull("deleted_at")
    .where((q) => q.where("last_seen_at", ">", knex.raw("now() - interval '90 days'")).orWhere("created_at", ">", knex.raw("now() - interval '90 days'")))
    .orderBy("id")
    .select("id");
  return rows.map((r) => Number(r.id));
}
