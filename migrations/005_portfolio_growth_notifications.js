// @ts-check
// What a contributor shipped, what they made of it, how they are growing, and what we tell them.

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
    // A merged pull request, one row per PR. user_id is NULL while its author has not signed up;
    // author_github_id (not the login, which can change) is how it is claimed when they do.
    // repository_id is GitHub's id without a foreign key: most contributions land in repos we
    // do not track. Size and languages stay NULL/empty until enrichment (enriched_at).
    `CREATE TABLE contributions (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint,
       author_github_id bigint NOT NULL,
       author_login text NOT NULL,
       github_pr_id bigint NOT NULL,
       pr_node_id text,
       repository_id bigint NOT NULL,
       repo_full_name text NOT NULL,
       pr_number integer NOT NULL,
       title text NOT NULL,
       url text NOT NULL,
       merged_at timestamptz NOT NULL,
       additions integer,
       deletions integer,
       changed_files integer,
       languages jsonb NOT NULL DEFAULT '{}',
       skill_tags text[] NOT NULL DEFAULT '{}',
       source text NOT NULL,
       is_private boolean NOT NULL DEFAULT false,
       first_in_repo boolean NOT NULL DEFAULT false,
       enriched_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_contributions PRIMARY KEY (id),
       CONSTRAINT uq_contributions_github_pr_id UNIQUE (github_pr_id),
       CONSTRAINT fk_contributions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_contributions_source CHECK (source IN ('webhook', 'search', 'manual')),
       CONSTRAINT ck_contributions_pr_number CHECK (pr_number > 0),
       CONSTRAINT ck_contributions_languages CHECK (jsonb_typeof(languages) = 'object')
     )`,
    `CREATE INDEX ix_contributions_user_merged_at ON contributions (user_id, merged_at DESC)`,
    // Claiming on sign-up, and "is this their first PR in this repo?" at enrichment.
    `CREATE INDEX ix_contributions_author_repository_merged_at
       ON contributions (author_github_id, repository_id, merged_at)`,
    touchUpdatedAt("contributions"),

    // Kept when the contribution goes: the writing is the user's.
    `CREATE TABLE reflections (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       contribution_id bigint,
       learned text,
       hard text,
       next text,
       is_public boolean NOT NULL DEFAULT false,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_reflections PRIMARY KEY (id),
       CONSTRAINT fk_reflections_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT fk_reflections_contribution FOREIGN KEY (contribution_id)
         REFERENCES contributions (id) ON DELETE SET NULL,
       CONSTRAINT ck_reflections_not_empty
         CHECK (coalesce(learned, '') <> '' OR coalesce(hard, '') <> '' OR coalesce(next, '') <> '')
     )`,
    `CREATE INDEX ix_reflections_user_created_at ON reflections (user_id, created_at DESC)`,
    `CREATE INDEX ix_reflections_contribution_id ON reflections (contribution_id)`,
    touchUpdatedAt("reflections"),

    // Append-only histories: a new row per computation, so progress over time can be drawn.
    `CREATE TABLE growth_records (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       level smallint NOT NULL,
       points integer NOT NULL,
       progress real NOT NULL,
       details jsonb NOT NULL DEFAULT '{}',
       recorded_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_growth_records PRIMARY KEY (id),
       CONSTRAINT fk_growth_records_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_growth_records_level CHECK (level >= 1),
       CONSTRAINT ck_growth_records_points CHECK (points >= 0),
       CONSTRAINT ck_growth_records_progress CHECK (progress BETWEEN 0 AND 1)
     )`,
    `CREATE INDEX ix_growth_records_user_recorded_at ON growth_records (user_id, recorded_at DESC)`,

    // One radar is every skill recorded at the same instant. The unique key leads with
    // (user_id, recorded_at), so it is also the index for "the latest radar".
    `CREATE TABLE skill_radar_scores (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       skill text NOT NULL,
       kind text NOT NULL,
       score real NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_skill_radar_scores PRIMARY KEY (id),
       CONSTRAINT uq_skill_radar_scores_user_recorded_at_skill UNIQUE (user_id, recorded_at, skill),
       CONSTRAINT fk_skill_radar_scores_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_skill_radar_scores_kind CHECK (kind IN ('language', 'framework', 'topic', 'work_kind')),
       CONSTRAINT ck_skill_radar_scores_score CHECK (score BETWEEN 0 AND 1)
     )`,

    // dedupe_key lets a retried job notify at most once ("contribution-123-merged").
    // read_at and emailed_at are the only changes, each with its own timestamp.
    `CREATE TABLE notifications (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       kind text NOT NULL,
       title text NOT NULL,
       body text,
       url text,
       data jsonb NOT NULL DEFAULT '{}',
       dedupe_key text,
       read_at timestamptz,
       emailed_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_notifications PRIMARY KEY (id),
       CONSTRAINT uq_notifications_user_dedupe_key UNIQUE (user_id, dedupe_key),
       CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_notifications_data CHECK (jsonb_typeof(data) = 'object')
     )`,
    `CREATE INDEX ix_notifications_user_read_at_created_at ON notifications (user_id, read_at, created_at DESC)`,
    // The digest job's scan: unread and not yet mailed.
    `CREATE INDEX ix_notifications_pending_email ON notifications (user_id, created_at)
       WHERE emailed_at IS NULL AND read_at IS NULL`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE notifications`,
    `DROP TABLE skill_radar_scores`,
    `DROP TABLE growth_records`,
    `DROP TABLE reflections`,
    `DROP TABLE contributions`,
  ]);
}
