// @ts-check
// What sign-in, onboarding and the skill profile need beyond 001: where a user is in onboarding,
// how their profile analysis went, the evidence behind each skill, and the preferences the
// onboarding wizard asks for.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite speaks the extended protocol, which refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    // The steps are ordered; the service allows only the next one, the CHECK only known names.
    `ALTER TABLE users
       ADD COLUMN onboarding_state text NOT NULL DEFAULT 'signed_in',
       ADD COLUMN profile_status text NOT NULL DEFAULT 'pending',
       ADD COLUMN profile_analyzed_at timestamptz,
       ADD COLUMN profile_error text,
       ADD CONSTRAINT ck_users_onboarding_state CHECK (onboarding_state IN
         ('signed_in', 'profile_analyzed', 'preferences_set', 'first_feed_viewed', 'first_issue_started', 'first_contribution')),
       ADD CONSTRAINT ck_users_profile_status CHECK (profile_status IN ('pending', 'running', 'done', 'failed'))`,

    // evidence: [{ repo, files?, share?, detail? }] — why we think so, shown to the user.
    // hidden: the user said "not me"; the analysis keeps the row so the skill does not come back.
    `ALTER TABLE user_skills
       ADD COLUMN label text,
       ADD COLUMN evidence jsonb NOT NULL DEFAULT '[]',
       ADD COLUMN hidden boolean NOT NULL DEFAULT false,
       ADD CONSTRAINT ck_user_skills_evidence CHECK (jsonb_typeof(evidence) = 'array')`,

    // languages (001) is the include list; these are the rest of what the wizard asks.
    `ALTER TABLE user_preferences
       ADD COLUMN comfort_level text,
       ADD COLUMN work_kinds text[] NOT NULL DEFAULT '{}',
       ADD COLUMN exclude_languages text[] NOT NULL DEFAULT '{}',
       ADD COLUMN domains text[] NOT NULL DEFAULT '{}',
       ADD COLUMN exclude_domains text[] NOT NULL DEFAULT '{}',
       ADD CONSTRAINT ck_user_preferences_comfort_level
         CHECK (comfort_level IN ('first_contribution', 'beginner', 'intermediate', 'experienced'))`,

    // A user who revokes the App on GitHub is signed out everywhere with this reason.
    `ALTER TABLE refresh_token_families DROP CONSTRAINT ck_refresh_token_families_revoked_reason`,
    `ALTER TABLE refresh_token_families ADD CONSTRAINT ck_refresh_token_families_revoked_reason
       CHECK (revoked_reason IN ('logout', 'reuse', 'logout_everywhere', 'expired', 'admin', 'github_revoked'))`,
    `CREATE INDEX ix_users_profile_analyzed_at ON users (profile_analyzed_at)`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP INDEX ix_users_profile_analyzed_at`,
    `UPDATE refresh_token_families SET revoked_reason = 'admin' WHERE revoked_reason = 'github_revoked'`,
    `ALTER TABLE refresh_token_families DROP CONSTRAINT ck_refresh_token_families_revoked_reason`,
    `ALTER TABLE refresh_token_families ADD CONSTRAINT ck_refresh_token_families_revoked_reason
       CHECK (revoked_reason IN ('logout', 'reuse', 'logout_everywhere', 'expired', 'admin'))`,
    `ALTER TABLE user_preferences
       DROP CONSTRAINT ck_user_preferences_comfort_level,
       DROP COLUMN comfort_level,
       DROP COLUMN work_kinds,
       DROP COLUMN exclude_languages,
       DROP COLUMN domains,
       DROP COLUMN exclude_domains`,
    `ALTER TABLE user_skills
       DROP CONSTRAINT ck_user_skills_evidence,
       DROP COLUMN label,
       DROP COLUMN evidence,
       DROP COLUMN hidden`,
    `ALTER TABLE users
       DROP CONSTRAINT ck_users_onboarding_state,
       DROP CONSTRAINT ck_users_profile_status,
       DROP COLUMN onboarding_state,
       DROP COLUMN profile_status,
       DROP COLUMN profile_analyzed_at,
       DROP COLUMN profile_error`,
  ]);
}
