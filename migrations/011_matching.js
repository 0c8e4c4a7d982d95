// @ts-check
// What the feed needs beyond 002/003: per-issue facts the matcher derives (difficulty, size,
// readiness, kind of work), a trigram index on repository names for typo-tolerant search, and a
// durable log of changes to watched issues and repositories for the notifications domain.

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
    // Rewritten whole whenever the issue changes; source_updated_at is the updated_at the
    // row was derived from, so a sweep finds issues whose facts are stale.
    `CREATE TABLE issue_features (
       issue_id bigint NOT NULL,
       difficulty text NOT NULL,
       smallness real NOT NULL,
       not_ready boolean NOT NULL DEFAULT false,
       not_ready_reason text,
       work_kind text,
       keywords text[] NOT NULL DEFAULT '{}',
       source_updated_at timestamptz NOT NULL,
       computed_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_issue_features PRIMARY KEY (issue_id),
       CONSTRAINT fk_issue_features_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_issue_features_difficulty CHECK (difficulty IN ('beginner', 'intermediate', 'advanced')),
       CONSTRAINT ck_issue_features_smallness CHECK (smallness BETWEEN 0 AND 1),
       CONSTRAINT ck_issue_features_work_kind CHECK (work_kind IN ('docs', 'bug', 'feature', 'tests', 'refactor', 'design'))
     )`,
    `CREATE INDEX ix_repositories_full_name_trgm ON repositories USING gin (full_name gin_trgm_ops)`,
    // One event per watcher and delivery: a replayed webhook records nothing twice.
    `CREATE TABLE watch_events (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       issue_id bigint,
       repository_id bigint NOT NULL,
       delivery_id text NOT NULL,
       kind text NOT NULL,
       summary text NOT NULL,
       occurred_at timestamptz NOT NULL,
       delivered_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_watch_events PRIMARY KEY (id),
       CONSTRAINT uq_watch_events_user_delivery UNIQUE (user_id, delivery_id),
       CONSTRAINT fk_watch_events_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT fk_watch_events_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE
     )`,
    `CREATE INDEX ix_watch_events_undelivered ON watch_events (id) WHERE delivered_at IS NULL`,
    `CREATE INDEX ix_watch_events_repository_id ON watch_events (repository_id)`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [`DROP TABLE watch_events`, `DROP INDEX ix_repositories_full_name_trgm`, `DROP TABLE issue_features`]);
}
