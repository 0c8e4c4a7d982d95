// The users domain's public surface. Other domains import from here, never from the files behind it.
import type { Db } from "../db/types.js";
import { advanceOnboarding as advance, type OnboardingState } from "./onboarding.js";
import { getPreferences as readPreferences, type Preferences } from "./preferences.js";
import { listUserSkills, type UserSkill } from "./skills/user-skills-store.js";
import { getUser as readUser, getUserByLogin as readUserByLogin, listActiveUserIds as readActiveUserIds, type User } from "./user-store.js";

export { createUsersDomain, type UsersDomain } from "./create-users-domain.js";
export type { AuthenticatedUser, AuthMiddleware } from "./session/create-auth.js";
export { GithubAuthorizationRevokedError } from "./tokens/github-user-tokens.js";
export { OnboardingTransitionError, ONBOARDING_STEPS, type OnboardingState } from "./onboarding.js";
export type { Preferences } from "./preferences.js";
export type { UserSkill } from "./skills/user-skills-store.js";
export type { SkillEvidence } from "./skills/score-skills.js";
export { toSkillSlug } from "./skills/skill-catalog.js";
export type { User } from "./user-store.js";

/** The user, or null when there is none. */
export const getUser = (db: Pick<Db, "knex">, id: number): Promise<User | null> => readUser(db.knex, id);

/** The user with this GitHub login (any case), or null. */
export const getUserByLogin = (db: Pick<Db, "knex">, login: string): Promise<User | null> => readUserByLogin(db.knex, login);

/** Ids of users who signed in or signed up within the last `days` days. */
export const listActiveUserIds = (db: Pick<Db, "knex">, days = 90): Promise<number[]> => readActiveUserIds(db.knex, days);

/** Visible skills, strongest first (hidden ones with `includeHidden`). */
export const getUserSkills = (db: Db, userId: number, options?: { includeHidden?: boolean }): Promise<UserSkill[]> =>
  listUserSkills(db.knex, userId, options);

/** Preferences with defaults filled in for a user who has not set them. */
export const getPreferences = (db: Db, userId: number): Promise<Preferences> => readPreferences(db.knex, userId);

/** Moves onboarding one step forward (e.g. "first_feed_viewed"); see OnboardingTransitionError. */
export const advanceOnboarding = (db: Db, userId: number, to: OnboardingState, now = new Date()) => advance(db.knex, userId, to, now);

/** Where to email the user (from their GitHub profile), or null when unknown or the account is gone. */
export const getUserEmail = async (db: Db, userId: number): Promise<string | null> => {
  const row = await db.knex("users").where({ id: userId }).whereNull("deleted_at").first("email");
  return (row?.email as string | null | undefined) ?? null;
};

/** The id of the signed-up user with this GitHub account id, or null. */
export const getUserIdByGithubId = async (db: Pick<Db, "knex">, githubId: number): Promise<number | null> => {
  const row = await db.knex("users").where({ github_id: githubId }).whereNull("deleted_at").first("id");
  return row ? Number(row.id) : null;
};
