// @ts-check
// What keeping the index current needs beyond 002: comments (for claims), pull requests (for
// linked issues, merge rate and contributions), commits on the default branch, activity counts
// for crawled repositories, the tracked-repositories list, backfill progress, and an outbox of
// merged pull requests for the contributions domain.

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
    // GitHub's own timestamp, so an older installation event never undoes a newer one.
    `ALTER TABLE installations ADD COLUMN github_updated_at timestamptz`,

    // The earliest comment or label by a maintainer other than the author: health's response time.
    `ALTER TABLE issues ADD COLUMN first_maintainer_response_at timestamptz`,

    // An unassignment releases a claim too, and it has no comment behind it.
    `ALTER TABLE issue_signals DROP CONSTRAINT ck_issue_signals_comment`,
    `ALTER TABLE issue_signals ADD CONSTRAINT ck_issue_signals_comment CHECK (kind <> 'claim' OR comment_id IS NOT NULL)`,
    // A pull request that changes finds the issues it linked by its own key.
    `CREATE INDEX ix_issue_signals_linked_pr_source_key ON issue_signals (source_key) WHERE kind = 'linked_pr'`,

    // Comment metadata only (never the body): what a comment meant (claim, release) and when, so
    // claims are recomputed from the whole history whatever order deliveries arrive in. A deleted
    // comment stays as a tombstone so a late "created" cannot bring it back.
    `CREATE TABLE issue_comments (
       id bigint NOT NULL,
       issue_id bigint NOT NULL,
       author_login text NOT NULL,
       author_association text,
       author_is_bot boolean NOT NULL DEFAULT false,
       intent text,
       github_created_at timestamptz NOT NULL,
       github_updated_at timestamptz NOT NULL,
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_issue_comments PRIMARY KEY (id),
       CONSTRAINT fk_issue_comments_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_issue_comments_intent CHECK (intent IN ('claim', 'release'))
     )`,
    `CREATE INDEX ix_issue_comments_issue_id ON issue_comments (issue_id)`,
    touchUpdatedAt("issue_comments"),

    // Keyed by (repository, number): a comment on a pull request names only its number, and may
    // arrive before the pull request itself. Such a row has no github_updated_at until a real
    // pull-request snapshot lands, and health ignores it until then.
    // closing_refs: [{ "repo": "owner/name" in lower case, "number": 12 }] from closing keywords.
    `CREATE TABLE pull_requests (
       id bigint GENERATED ALWAYS AS IDENTITY,
       github_id bigint,
       node_id text,
       repository_id bigint NOT NULL,
       number integer NOT NULL,
       title text,
       author_login text,
       author_github_id bigint,
       author_association text,
       author_is_bot boolean NOT NULL DEFAULT false,
       state text,
       is_draft boolean NOT NULL DEFAULT false,
       merged boolean NOT NULL DEFAULT false,
       merged_at timestamptz,
       closed_at timestamptz,
       github_created_at timestamptz,
       github_updated_at timestamptz,
       first_response_at timestamptz,
       closing_refs jsonb NOT NULL DEFAULT '[]',
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_pull_requests PRIMARY KEY (id),
       CONSTRAINT uq_pull_requests_github_id UNIQUE (github_id),
       CONSTRAINT uq_pull_requests_repository_number UNIQUE (repository_id, number),
       CONSTRAINT fk_pull_requests_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_pull_requests_number CHECK (number > 0),
       CONSTRAINT ck_pull_requests_state CHECK (state IN ('open', 'closed')),
       CONSTRAINT ck_pull_requests_snapshot CHECK (github_updated_at IS NULL OR (github_id IS NOT NULL AND state IS NOT NULL)),
       CONSTRAINT ck_pull_requests_merged CHECK (NOT merged OR merged_at IS NOT NULL),
       CONSTRAINT ck_pull_requests_closing_refs CHECK (jsonb_typeof(closing_refs) = 'array')
     )`,
    `CREATE INDEX ix_pull_requests_closing_refs ON pull_requests USING gin (closing_refs jsonb_path_ops)`,
    `CREATE INDEX ix_pull_requests_repository_closed_at ON pull_requests (repository_id, closed_at)`,
    `CREATE INDEX ix_pull_requests_repository_created_at ON pull_requests (repository_id, github_created_at)`,
    touchUpdatedAt("pull_requests"),

    // One row per commit that reached the default branch, so a replayed push counts nothing twice.
    // (SHA-1 or SHA-256; knex reads a question mark as a binding, so both lengths are spelled out.)
    `CREATE TABLE repository_commits (
       repository_id bigint NOT NULL,
       sha text NOT NULL,
       committed_at timestamptz NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_repository_commits PRIMARY KEY (repository_id, sha),
       CONSTRAINT fk_repository_commits_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_repository_commits_sha CHECK (sha ~ '^[0-9a-f]{40}$' OR sha ~ '^[0-9a-f]{64}$')
     )`,
    `CREATE INDEX ix_repository_commits_repository_committed_at ON repository_commits (repository_id, committed_at)`,

    // Crawled repositories send no webhooks: the crawler counts their activity instead.
    `CREATE TABLE repository_activity (
       repository_id bigint NOT NULL,
       window_days smallint NOT NULL,
       commits integer NOT NULL,
       merged_pull_requests integer NOT NULL,
       closed_unmerged_pull_requests integer NOT NULL,
       observed_at timestamptz NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_repository_activity PRIMARY KEY (repository_id),
       CONSTRAINT fk_repository_activity_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_repository_activity_counts
         CHECK (window_days > 0 AND commits >= 0 AND merged_pull_requests >= 0 AND closed_unmerged_pull_requests >= 0)
     )`,
    touchUpdatedAt("repository_activity"),

    // The outbox of merged pull requests: the unique PR id is what makes "exactly one event per
    // merged PR" hold however often GitHub tells us. delivered_at is set once every listener has
    // run; rows wait undelivered while no listener is registered.
    `CREATE TABLE contribution_events (
       id bigint GENERATED ALWAYS AS IDENTITY,
       github_pr_id bigint NOT NULL,
       repository_id bigint NOT NULL,
       repo_full_name text NOT NULL,
       pr_number integer NOT NULL,
       author_github_id bigint NOT NULL,
       author_login text NOT NULL,
       merged_at timestamptz NOT NULL,
       detected_via text NOT NULL,
       delivered_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_contribution_events PRIMARY KEY (id),
       CONSTRAINT uq_contribution_events_github_pr_id UNIQUE (github_pr_id),
       CONSTRAINT ck_contribution_events_detected_via CHECK (detected_via IN ('webhook', 'backfill'))
     )`,
    `CREATE INDEX ix_contribution_events_undelivered ON contribution_events (id) WHERE delivered_at IS NULL`,

    // Repositories kept fresh by the crawler. full_name is what was asked for (and follows renames);
    // repository_id is filled once GitHub has answered.
    `CREATE TABLE tracked_repositories (
       id bigint GENERATED ALWAYS AS IDENTITY,
       full_name text NOT NULL,
       repository_id bigint,
       source text NOT NULL,
       status text NOT NULL DEFAULT 'pending',
       error text,
       last_crawled_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_tracked_repositories PRIMARY KEY (id),
       CONSTRAINT fk_tracked_repositories_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE SET NULL,
       CONSTRAINT ck_tracked_repositories_full_name CHECK (full_name ~ '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$'),
       CONSTRAINT ck_tracked_repositories_source CHECK (source IN ('api', 'seed', 'cli')),
       CONSTRAINT ck_tracked_repositories_status CHECK (status IN ('pending', 'active', 'vanished', 'archived', 'failed'))
     )`,
    `CREATE UNIQUE INDEX uq_tracked_repositories_full_name ON tracked_repositories (lower(full_name))`,
    `CREATE UNIQUE INDEX uq_tracked_repositories_repository_id ON tracked_repositories (repository_id)`,
    touchUpdatedAt("tracked_repositories"),

    // Backfill progress per repository: the phase and cursor let an interrupted run resume.
    `CREATE TABLE repository_syncs (
       repository_id bigint NOT NULL,
       status text NOT NULL DEFAULT 'queued',
       phase text,
       cursor text,
       issues_synced integer NOT NULL DEFAULT 0,
       pull_requests_synced integer NOT NULL DEFAULT 0,
       commits_synced integer NOT NULL DEFAULT 0,
       requests integer NOT NULL DEFAULT 0,
       points integer NOT NULL DEFAULT 0,
       started_at timestamptz,
       finished_at timestamptz,
       error text,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_repository_syncs PRIMARY KEY (repository_id),
       CONSTRAINT fk_repository_syncs_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_repository_syncs_status CHECK (status IN ('queued', 'running', 'done', 'failed', 'rate_limited')),
       CONSTRAINT ck_repository_syncs_phase CHECK (phase IN ('open_issues', 'closed_issues', 'pull_requests', 'commits', 'health'))
     )`,
    touchUpdatedAt("repository_syncs"),
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE repository_syncs`,
    `DROP TABLE tracked_repositories`,
    `DROP TABLE contribution_events`,
    `DROP TABLE repository_activity`,
    `DROP TABLE repository_commits`,
    `DROP TABLE pull_requests`,
    `DROP TABLE issue_comments`,
    `DROP INDEX ix_issue_signals_linked_pr_source_key`,
    `DELETE FROM issue_signals WHERE kind = 'release' AND comment_id IS NULL`,
    `ALTER TABLE issue_signals DROP CONSTRAINT ck_issue_signals_comment`,
    `ALTER TABLE issue_signals ADD CONSTRAINT ck_issue_signals_comment
       CHECK (kind NOT IN ('claim', 'release') OR comment_id IS NOT NULL)`,
    `ALTER TABLE issues DROP COLUMN first_maintainer_response_at`,
    `ALTER TABLE installations DROP COLUMN github_updated_at`,
  ]);
}
