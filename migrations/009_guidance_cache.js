// @ts-check
// What the deep-dive cache needs beyond 004: explicit invalidation and refreshes of a version,
// the model's token usage and cost per deep dive, reports aimed at one section, and the version of
// each repository's README/CONTRIBUTING that every cache key includes.

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
    // invalidated_at: an edit arrived that the version hash may not reflect yet (the index updates
    // it in the same delivery); the next read refreshes in place. refresh_requested_at: a
    // regeneration is running while the current sections stay served.
    `ALTER TABLE deep_dives
       ADD COLUMN invalidated_at timestamptz,
       ADD COLUMN refresh_requested_at timestamptz,
       ADD COLUMN input_tokens integer NOT NULL DEFAULT 0,
       ADD COLUMN output_tokens integer NOT NULL DEFAULT 0,
       ADD COLUMN cache_read_input_tokens integer NOT NULL DEFAULT 0,
       ADD COLUMN cache_creation_input_tokens integer NOT NULL DEFAULT 0,
       ADD COLUMN cost_usd numeric(12, 6) NOT NULL DEFAULT 0,
       ADD CONSTRAINT ck_deep_dives_tokens CHECK (
         input_tokens >= 0 AND output_tokens >= 0 AND cache_read_input_tokens >= 0 AND cache_creation_input_tokens >= 0
       ),
       ADD CONSTRAINT ck_deep_dives_cost_usd CHECK (cost_usd >= 0)`,
    // Spend per repository and month is a common question; generated_at leads for the time range.
    `CREATE INDEX ix_deep_dives_generated_at ON deep_dives (generated_at) WHERE status = 'ready'`,

    // A reader reports one section (or the whole deep dive); the snapshot keeps what they saw, so a
    // maintainer can judge the report after the deep dive was regenerated. repository_id and
    // issue_number are copied at report time so a maintainer's list needs no other domain's tables.
    `ALTER TABLE deep_dive_reports
       ADD COLUMN section text NOT NULL DEFAULT 'all',
       ADD COLUMN section_snapshot jsonb,
       ADD COLUMN repository_id bigint,
       ADD COLUMN issue_number integer,
       ADD CONSTRAINT fk_deep_dive_reports_repository FOREIGN KEY (repository_id)
         REFERENCES repositories (id) ON DELETE CASCADE,
       ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
       ADD CONSTRAINT ck_deep_dive_reports_section
         CHECK (section IN ('all', 'overview', 'issueContext', 'approach', 'questions', 'redFlags')),
       DROP CONSTRAINT uq_deep_dive_reports_deep_dive_user,
       ADD CONSTRAINT uq_deep_dive_reports_deep_dive_user_section UNIQUE (deep_dive_id, user_id, section)`,
    `CREATE INDEX ix_deep_dive_reports_repository_created_at ON deep_dive_reports (repository_id, created_at DESC)`,
    `CREATE TRIGGER tg_deep_dive_reports_updated_at BEFORE UPDATE ON deep_dive_reports FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,

    // A bot comment is claimed before it is posted (comment_id still NULL), so two deliveries for
    // the same issue at once post one comment: the loser waits for the winner's id and edits it.
    `ALTER TABLE bot_comments
       ALTER COLUMN comment_id DROP NOT NULL,
       ADD COLUMN claimed_at timestamptz`,

    // docs_version goes into every deep-dive cache key of the repository: a push that changes
    // README, CONTRIBUTING or a doc they link to bumps it. doc_paths: the docs last used.
    `CREATE TABLE deep_dive_repository_docs (
       repository_id bigint NOT NULL,
       docs_version integer NOT NULL DEFAULT 0,
       doc_paths jsonb NOT NULL DEFAULT '[]',
       changed_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_deep_dive_repository_docs PRIMARY KEY (repository_id),
       CONSTRAINT fk_deep_dive_repository_docs_repository FOREIGN KEY (repository_id)
         REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_deep_dive_repository_docs_doc_paths CHECK (jsonb_typeof(doc_paths) = 'array'),
       CONSTRAINT ck_deep_dive_repository_docs_docs_version CHECK (docs_version >= 0)
     )`,
    `CREATE TRIGGER tg_deep_dive_repository_docs_updated_at BEFORE UPDATE ON deep_dive_repository_docs FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE deep_dive_repository_docs`,
    `DELETE FROM bot_comments WHERE comment_id IS NULL`,
    `ALTER TABLE bot_comments DROP COLUMN claimed_at, ALTER COLUMN comment_id SET NOT NULL`,
    `DROP TRIGGER tg_deep_dive_reports_updated_at ON deep_dive_reports`,
    `DROP INDEX ix_deep_dive_reports_repository_created_at`,
    // Keep one report per user and deep dive so the original constraint can come back.
    `DELETE FROM deep_dive_reports r USING deep_dive_reports keep
       WHERE r.deep_dive_id = keep.deep_dive_id AND r.user_id = keep.user_id AND r.id > keep.id`,
    `ALTER TABLE deep_dive_reports
       DROP CONSTRAINT uq_deep_dive_reports_deep_dive_user_section,
       DROP CONSTRAINT ck_deep_dive_reports_section,
       DROP CONSTRAINT fk_deep_dive_reports_repository,
       DROP COLUMN issue_number,
       DROP COLUMN repository_id,
       DROP COLUMN updated_at,
       DROP COLUMN section_snapshot,
       DROP COLUMN section,
       ADD CONSTRAINT uq_deep_dive_reports_deep_dive_user UNIQUE (deep_dive_id, user_id)`,
    `DROP INDEX ix_deep_dives_generated_at`,
    `ALTER TABLE deep_dives
       DROP CONSTRAINT ck_deep_dives_cost_usd,
       DROP CONSTRAINT ck_deep_dives_tokens,
       DROP COLUMN cost_usd,
       DROP COLUMN cache_creation_input_tokens,
       DROP COLUMN cache_read_input_tokens,
       DROP COLUMN output_tokens,
       DROP COLUMN input_tokens,
       DROP COLUMN refresh_requested_at,
       DROP COLUMN invalidated_at`,
  ]);
}
