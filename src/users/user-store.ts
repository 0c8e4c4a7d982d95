import type { Knex } from "knex";
import type { OnboardingState } from "./onboarding.js";

/** A user as every domain sees them. */
export interface User {
  id: number;
  githubId: number;
  login: string;
  name: string | null;
  avatarUrl: string | null;
  bio: string | null;
  publicProfile: boolean;
  onboardingState: OnboardingState;
  profileAnalysis: { status: "pending" | "running" | "done" | "failed"; analyzedAt: string | null; error: string | null };
  createdAt: string;
}

interface UserRow {
  id: number;
  github_id: number;
  login: string;
  name: string | null;
  avatar_url: string | null;
  bio: string | null;
  public_portfolio: boolean;
  onboarding_state: OnboardingState;
  profile_status: User["profileAnalysis"]["status"];
  profile_analyzed_at: Date | null;
  profile_error: string | null;
  created_at: Date;
}

function toUser(row: UserRow): User {
  return {
    id: Number(row.id),
    githubId: Number(row.github_id),
    login: row.login,
    name: row.name,
    avatarUrl: row.avatar_url,
    bio: row.bio,
    publicProfile: row.public_portfolio,
    onboardingState: row.onboarding_state,
    profileAnalysis: { status: row.profile_status, analyzedAt: row.profile_analyzed_at?.toISOString() ?? null, error: row.profile_error },
    createdAt: row.created_at.toISOString(),
  };
}

/** The user, or null when there is none (or the account is being deleted). */
export async function getUser(knex: Knex, id: number): Promise<User | null> {
  const row: UserRow | undefined = await knex("users").where({ id }).whereNull("deleted_at").first();
  return row ? toUser(row) : null;
}

/** The user with this login (GitHub logins are case-insensitive), or null. */
export async function getUserByLogin(knex: Knex, login: string): Promise<User | null> {
  const row: UserRow | undefined = await knex("users").whereRaw("lower(login) = ?", [login.toLowerCase()]).whereNull("deleted_at").orderBy("updated_at", "desc").first();
  return row ? toUser(row) : null;
}

/** Users who signed in (or signed up) within the last `days` days, by id. */
export async function listActiveUserIds(knex: Knex, days: number): Promise<number[]> {
  const since = knex.raw("now() - make_interval(days => ?)", [days]);
  const rows: Array<{ id: number }> = await knex("users")
    .whereNull("deleted_at")
    .where((q) => q.where("last_seen_at", ">", since).orWhere("created_at", ">", since))
    .orderBy("id")
    .select("id");
  return rows.map((r) => Number(r.id));
}

export interface GithubProfile {
  id: number;
  login: string;
  name: string | null;
  avatarUrl: string | null;
  email: string | null;
  bio: string | null;
}

/** Creates the user on first sign-in, refreshes the cached GitHub fields afterwards. Keyed by GitHub id: logins change. */
export async function upsertGithubUser(knex: Knex, profile: GithubProfile, now: Date): Promise<{ user: User; created: boolean }> {
  const existed = Boolean(await knex("users").where({ github_id: profile.id }).first("id"));
  const [row] = (await knex("users")
    .insert({
      github_id: profile.id,
      login: profile.login,
      name: profile.name,
      avatar_url: profile.avatarUrl,
      email: profile.email,
      bio: profile.bio,
      last_seen_at: now,
    })
    .onConflict("github_id")
    .merge({ login: profile.login, avatar_url: profile.avatarUrl, email: profile.email, last_seen_at: now, deleted_at: null })
    .returning("*")) as UserRow[];
  if (!row) throw new Error("upserting the user returned no row");
  await knex("user_preferences").insert({ user_id: row.id }).onConflict("user_id").ignore();
  return { user: toUser(row), created: !existed };
}

export interface ProfilePatch {
  name?: string | null;
  bio?: string | null;
  publicProfile?: boolean;
}

export async function updateProfile(knex: Knex, id: number, patch: ProfilePatch): Promise<User | null> {
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.bio !== undefined) changes.bio = patch.bio;
  if (patch.publicProfile !== undefined) changes.public_portfolio = patch.publicProfile;
  if (Object.keys(changes).length > 0) await knex("users").where({ id }).update(changes);
  return getUser(knex, id);
}

export async function setProfileAnalysis(
  knex: Knex,
  id: number,
  status: User["profileAnalysis"]["status"],
  details: { analyzedAt?: Date; error?: string | null } = {},
): Promise<void> {
  const changes: Record<string, unknown> = { profile_status: status };
  if (details.analyzedAt) changes.profile_analyzed_at = details.analyzedAt;
  if (details.error !== undefined) changes.profile_error = details.error?.slice(0, 500) ?? null;
  await knex("users").where({ id }).update(changes);
}

/** Deletes the user; every personal table cascades from users, so nothing of theirs is left. */
export async function deleteUser(knex: Knex, id: number): Promise<boolean> {
  return (await knex("users").where({ id }).delete()) > 0;
}
