// @ts-check
// Deep dives: one generation per version of an issue, what readers report about them, and the
// bot's comment that links them from the issue.

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
    // version_hash covers everything the deep dive was built from (issue text, labels, comments,
    // repo context). A change makes a new row rather than overwriting, and the unique pair is what
    // lets concurrent requests for the same version share one generation.
    `CREATE TABLE deep_dives (
       id bigint GENERATED ALWAYS AS IDENTITY,
       issue_id bigint NOT NULL,
       version_hash text NOT NULL,
       status text NOT NULL DEFAULT 'pending',
       sections jsonb,
       model text,
       offline boolean NOT NULL DEFAULT false,
       context_meta jsonb NOT NULL DEFAULT '{}',
       error text,
       attempts integer NOT NULL DEFAULT 0,
       generated_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_deep_dives PRIMARY KEY (id),
       CONSTRAINT uq_deep_dives_issue_version_hash UNIQUE (issue_id, version_hash),
       CONSTRAINT fk_deep_dives_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_deep_dives_status CHECK (status IN ('pending', 'ready', 'failed')),
       CONSTRAINT ck_deep_dives_ready CHECK (status <> 'ready' OR (sections IS NOT NULL AND generated_at IS NOT NULL)),
       CONSTRAINT ck_deep_dives_sections CHECK (sections IS NULL OR jsonb_typeof(sections) = 'object'),
       CONSTRAINT ck_deep_dives_context_meta CHECK (jsonb_typeof(context_meta) = 'object')
     )`,
    `CREATE INDEX ix_deep_dives_issue_created_at ON deep_dives (issue_id, created_at DESC)`,
    touchUpdatedAt("deep_dives"),

    // A report survives its author deleting their account: the content problem is still real.
    `CREATE TABLE deep_dive_reports (
       id bigint GENERATED ALWAYS AS IDENTITY,
       deep_dive_id bigint NOT NULL,
       user_id bigint,
       reason text NOT NULL,
       comment text,
       created_at timestamptz NOT NULL DEFAULT now(),
       resolved_at timestamptz,
       CONSTRAINT pk_deep_dive_reports PRIMARY KEY (id),
       CONSTRAINT uq_deep_dive_reports_deep_dive_user UNIQUE (deep_dive_id, user_id),
       CONSTRAINT fk_deep_dive_reports_deep_dive FOREIGN KEY (deep_dive_id) REFERENCES deep_dives (id) ON DELETE CASCADE,
       CONSTRAINT fk_deep_dive_reports_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL,
       CONSTRAINT ck_deep_dive_reports_reason CHECK (reason IN ('inaccurate', 'unhelpful', 'harmful', 'other'))
     )`,
    `CREATE INDEX ix_deep_dive_reports_user_id ON deep_dive_reports (user_id)`,
    `CREATE INDEX ix_deep_dive_reports_unresolved ON deep_dive_reports (created_at) WHERE resolved_at IS NULL`,

    // One bot comment per issue, edited in place: the row is what keeps a replayed webhook from
    // posting twice. deleted_at records a maintainer removing it, after which we never post again.
    `CREATE TABLE bot_comments (
       issue_id bigint NOT NULL,
       comment_id bigint NOT NULL,
       deep_dive_id bigint,
       body_hash text NOT NULL,
       posted_at timestamptz NOT NULL DEFAULT now(),
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_bot_comments PRIMARY KEY (issue_id),
       CONSTRAINT uq_bot_comments_comment_id UNIQUE (comment_id),
       CONSTRAINT fk_bot_comments_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT fk_bot_comments_deep_dive FOREIGN KEY (deep_dive_id) REFERENCES deep_dives (id) ON DELETE SET NULL
     )`,
    `CREATE INDEX ix_bot_comments_deep_dive_id ON bot_comments (deep_dive_id)`,
    touchUpdatedAt("bot_comments"),
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [`DROP TABLE bot_comments`, `DROP TABLE deep_dive_reports`, `DROP TABLE deep_dives`]);
}
