import type { Db } from "../db/types.js";
import { advanceOnboarding, getUserIdByGithubId } from "../users/index.js";
import { addUserSkill } from "../users/skills/user-skills-store.js";
import { upsertGithubUser } from "../users/user-store.js";
import { SAMPLE_CONTRIBUTOR, SAMPLE_CONTRIBUTOR_SKILLS } from "./sample-catalog.js";

/**
 * The sample contributor as the users domain would hold them after signing in and walking the
 * onboarding wizard: the account (the sign-in upsert, without GitHub tokens, so nothing ever acts
 * on GitHub as them), a skill profile entered the way the skills settings page enters one (their
 * profile analysis needs GitHub and never runs), and onboarding advanced step by step.
 */
export async function createSampleContributor(db: Db, now: Date): Promise<number> {
  const { knex } = db;
  const existing = await getUserIdByGithubId(db, SAMPLE_CONTRIBUTOR.id);
  const userId =
    existing ??
    (
      await upsertGithubUser(
        knex,
        {
          id: SAMPLE_CONTRIBUTOR.id,
          login: SAMPLE_CONTRIBUTOR.login,
          name: SAMPLE_CONTRIBUTOR.name,
          avatarUrl: null,
          email: null,
          bio: SAMPLE_CONTRIBUTOR.bio,
        },
        now,
      )
    ).user.id;
  for (const skill of SAMPLE_CONTRIBUTOR_SKILLS) {
    await addUserSkill(knex, userId, { skill: skill.skill, kind: skill.kind, level: skill.level, label: skill.label, comfort: skill.comfort });
  }
  await advanceOnboarding(db, userId, "profile_analyzed", now);
  await advanceOnboarding(db, userId, "preferences_set", now);
  return userId;
}
