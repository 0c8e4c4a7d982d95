// @ts-check
// Users, what they know, what they want, and the credentials that keep them signed in.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite speaks the extended protocol, which refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

/** @param {string} table */
const touchUpdatedAt = (table) =>
  `CREATE TRIGGER tg_${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`;

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    `CREATE EXTENSION IF NOT EXISTS pg_trgm`,

    // Keeps updated_at honest whoever writes the row, yet lets a caller that sets it explicitly
    // (a backfill, a test) keep its value.
    `CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
         NEW.updated_at := now();
       END IF;
       RETURN NEW;
     END;
     $$`,

    // GitHub ids never change, logins do: github_id is the identity, login a cached label.
    // deleted_at marks an account-deletion request; a purge job removes the row later and the
    // cascades take everything personal with it.
    `CREATE TABLE users (
       id bigint GENERATED ALWAYS AS IDENTITY,
       github_id bigint NOT NULL,
       login text NOT NULL,
       name text,
       avatar_url text,
       email text,
       bio text,
       public_portfolio boolean NOT NULL DEFAULT false,
       onboarded_at timestamptz,
       last_seen_at timestamptz,
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_users PRIMARY KEY (id),
       CONSTRAINT uq_users_github_id UNIQUE (github_id),
       CONSTRAINT ck_users_login CHECK (login <> '')
     )`,
    // Not unique: after a rename on GitHub another account may take the old login before we
    // hear about it, and two rows briefly share it.
    `CREATE INDEX ix_users_login ON users (lower(login))`,
    touchUpdatedAt("users"),

    // Skills are lowercase slugs ("typescript", "docs") so matching a user to an issue is a
    // plain equality join with issue_skills.
    `CREATE TABLE user_skills (
       user_id bigint NOT NULL,
       skill text NOT NULL,
       kind text NOT NULL,
       weight real NOT NULL DEFAULT 0,
       source text NOT NULL DEFAULT 'inferred',
       comfort smallint,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_user_skills PRIMARY KEY (user_id, skill),
       CONSTRAINT fk_user_skills_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_user_skills_skill CHECK (skill <> '' AND skill = lower(skill)),
       CONSTRAINT ck_user_skills_kind CHECK (kind IN ('language', 'framework', 'topic', 'work_kind')),
       CONSTRAINT ck_user_skills_weight CHECK (weight BETWEEN 0 AND 1),
       CONSTRAINT ck_user_skills_source CHECK (source IN ('inferred', 'manual')),
       CONSTRAINT ck_user_skills_comfort CHECK (comfort BETWEEN 1 AND 5)
     )`,
    `CREATE INDEX ix_user_skills_skill ON user_skills (skill)`,
    touchUpdatedAt("user_skills"),

    // Email digests are opt-in: we only learn an address through OAuth, not consent to mail it.
    `CREATE TABLE user_preferences (
       user_id bigint NOT NULL,
       learning_goals text[] NOT NULL DEFAULT '{}',
       languages text[] NOT NULL DEFAULT '{}',
       hours_per_week smallint,
       difficulty text NOT NULL DEFAULT 'any',
       email_digest text NOT NULL DEFAULT 'off',
       timezone text NOT NULL DEFAULT 'UTC',
       notification_settings jsonb NOT NULL DEFAULT '{}',
       feed_weights jsonb NOT NULL DEFAULT '{}',
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_user_preferences PRIMARY KEY (user_id),
       CONSTRAINT fk_user_preferences_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_user_preferences_hours_per_week CHECK (hours_per_week BETWEEN 0 AND 168),
       CONSTRAINT ck_user_preferences_difficulty CHECK (difficulty IN ('any', 'beginner', 'intermediate', 'advanced')),
       CONSTRAINT ck_user_preferences_email_digest CHECK (email_digest IN ('off', 'daily', 'weekly')),
       CONSTRAINT ck_user_preferences_notification_settings CHECK (jsonb_typeof(notification_settings) = 'object'),
       CONSTRAINT ck_user_preferences_feed_weights CHECK (jsonb_typeof(feed_weights) = 'object')
     )`,
    touchUpdatedAt("user_preferences"),

    // AES-256-GCM: 12-byte nonce, 16-byte tag. key_id names the key so old rows stay readable
    // during a rotation and can be found and re-encrypted afterwards.
    `CREATE TABLE user_tokens (
       user_id bigint NOT NULL,
       kind text NOT NULL,
       ciphertext bytea NOT NULL,
       nonce bytea NOT NULL,
       auth_tag bytea NOT NULL,
       key_id text NOT NULL,
       scopes text[] NOT NULL DEFAULT '{}',
       expires_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_user_tokens PRIMARY KEY (user_id, kind),
       CONSTRAINT fk_user_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_user_tokens_kind CHECK (kind IN ('access', 'refresh')),
       CONSTRAINT ck_user_tokens_nonce CHECK (octet_length(nonce) = 12),
       CONSTRAINT ck_user_tokens_auth_tag CHECK (octet_length(auth_tag) = 16)
     )`,
    `CREATE INDEX ix_user_tokens_key_id ON user_tokens (key_id)`,
    touchUpdatedAt("user_tokens"),

    // A family is one sign-in. Every rotation adds a token to it; presenting a retired token
    // again means it was stolen, and the whole family is revoked. expires_at is absolute:
    // rotating never keeps a session alive past it. Each change has its own timestamp column,
    // so neither table needs updated_at.
    `CREATE TABLE refresh_token_families (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       expires_at timestamptz NOT NULL,
       revoked_at timestamptz,
       revoked_reason text,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_refresh_token_families PRIMARY KEY (id),
       CONSTRAINT fk_refresh_token_families_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_refresh_token_families_revoked_reason
         CHECK (revoked_reason IN ('logout', 'reuse', 'logout_everywhere', 'expired', 'admin'))
     )`,
    `CREATE INDEX ix_refresh_token_families_user_id ON refresh_token_families (user_id)`,

    // Only a hash of the token is stored, so a database leak yields nothing usable.
    `CREATE TABLE refresh_tokens (
       id bigint GENERATED ALWAYS AS IDENTITY,
       family_id bigint NOT NULL,
       user_id bigint NOT NULL,
       token_hash text NOT NULL,
       user_agent text,
       ip inet,
       expires_at timestamptz NOT NULL,
       last_used_at timestamptz,
       retired_at timestamptz,
       revoked_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_refresh_tokens PRIMARY KEY (id),
       CONSTRAINT uq_refresh_tokens_token_hash UNIQUE (token_hash),
       CONSTRAINT fk_refresh_tokens_family FOREIGN KEY (family_id) REFERENCES refresh_token_families (id) ON DELETE CASCADE,
       CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
     )`,
    `CREATE INDEX ix_refresh_tokens_family_id ON refresh_tokens (family_id)`,
    `CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id)`,
    `CREATE INDEX ix_refresh_tokens_expires_at ON refresh_tokens (expires_at)`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE refresh_tokens`,
    `DROP TABLE refresh_token_families`,
    `DROP TABLE user_tokens`,
    `DROP TABLE user_preferences`,
    `DROP TABLE user_skills`,
    `DROP TABLE users`,
    `DROP FUNCTION set_updated_at()`,
    // pg_trgm stays: it may predate us (installed by a DBA) and dropping it needs its owner.
  ]);
}
