// @ts-check
// What we know of GitHub: installations, repositories and their health, issues and who is on them.
// Rows here are keyed by GitHub's own ids so every webhook or crawl is an upsert on that id.

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
    // Soft-deleted on uninstall so deliveries and repositories that point here keep resolving.
    `CREATE TABLE installations (
       id bigint NOT NULL,
       account_id bigint NOT NULL,
       account_login text NOT NULL,
       account_type text NOT NULL,
       target_type text NOT NULL,
       repository_selection text NOT NULL DEFAULT 'selected',
       permissions jsonb NOT NULL DEFAULT '{}',
       events jsonb NOT NULL DEFAULT '[]',
       suspended_at timestamptz,
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_installations PRIMARY KEY (id),
       CONSTRAINT ck_installations_repository_selection CHECK (repository_selection IN ('all', 'selected')),
       CONSTRAINT ck_installations_permissions CHECK (jsonb_typeof(permissions) = 'object'),
       CONSTRAINT ck_installations_events CHECK (jsonb_typeof(events) = 'array')
     )`,
    `CREATE INDEX ix_installations_account_login ON installations (lower(account_login))`,
    touchUpdatedAt("installations"),

    // tracked_via says how we keep the repo fresh: webhooks for installed ones, the crawler
    // otherwise. installation_id outlives an uninstall as NULL and the repo falls to the crawler.
    `CREATE TABLE repositories (
       id bigint NOT NULL,
       node_id text,
       installation_id bigint,
       owner text NOT NULL,
       name text NOT NULL,
       full_name text NOT NULL,
       description text,
       homepage text,
       default_branch text NOT NULL DEFAULT 'main',
       language text,
       languages jsonb NOT NULL DEFAULT '{}',
       topics text[] NOT NULL DEFAULT '{}',
       license text,
       stars integer NOT NULL DEFAULT 0,
       forks integer NOT NULL DEFAULT 0,
       open_issues_count integer NOT NULL DEFAULT 0,
       is_archived boolean NOT NULL DEFAULT false,
       is_private boolean NOT NULL DEFAULT false,
       is_fork boolean NOT NULL DEFAULT false,
       tracked_via text NOT NULL,
       pushed_at timestamptz,
       github_created_at timestamptz,
       github_updated_at timestamptz,
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_repositories PRIMARY KEY (id),
       CONSTRAINT uq_repositories_node_id UNIQUE (node_id),
       CONSTRAINT fk_repositories_installation FOREIGN KEY (installation_id)
         REFERENCES installations (id) ON DELETE SET NULL,
       CONSTRAINT ck_repositories_full_name CHECK (full_name = owner || '/' || name),
       CONSTRAINT ck_repositories_tracked_via CHECK (tracked_via IN ('installation', 'crawler')),
       CONSTRAINT ck_repositories_languages CHECK (jsonb_typeof(languages) = 'object')
     )`,
    // Not unique: a renamed repo's old name can be taken by a new repo before we see the rename.
    `CREATE INDEX ix_repositories_full_name ON repositories (lower(full_name))`,
    `CREATE INDEX ix_repositories_installation_id ON repositories (installation_id)`,
    touchUpdatedAt("repositories"),

    // History rather than one column, so a trend can be shown and a score explained later.
    `CREATE TABLE repo_health_snapshots (
       id bigint GENERATED ALWAYS AS IDENTITY,
       repository_id bigint NOT NULL,
       score real NOT NULL,
       components jsonb NOT NULL DEFAULT '{}',
       computed_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_repo_health_snapshots PRIMARY KEY (id),
       CONSTRAINT fk_repo_health_snapshots_repository FOREIGN KEY (repository_id)
         REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_repo_health_snapshots_score CHECK (score BETWEEN 0 AND 1),
       CONSTRAINT ck_repo_health_snapshots_components CHECK (jsonb_typeof(components) = 'object')
     )`,
    `CREATE INDEX ix_repo_health_snapshots_repository_computed_at
       ON repo_health_snapshots (repository_id, computed_at DESC)`,

    // last_updated_at is the high-water mark (the newest issue updatedAt seen), so a run asks
    // only for what changed since; end_cursor lets an interrupted run resume mid-way.
    `CREATE TABLE crawl_cursors (
       repository_id bigint NOT NULL,
       last_updated_at timestamptz,
       end_cursor text,
       status text NOT NULL DEFAULT 'idle',
       last_run_at timestamptz,
       next_run_at timestamptz,
       last_cost integer,
       failures integer NOT NULL DEFAULT 0,
       error text,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_crawl_cursors PRIMARY KEY (repository_id),
       CONSTRAINT fk_crawl_cursors_repository FOREIGN KEY (repository_id)
         REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_crawl_cursors_status CHECK (status IN ('idle', 'running', 'failed', 'rate_limited'))
     )`,
    touchUpdatedAt("crawl_cursors"),

    // Difficulty lives on the issue, not on issue_skills: it is one judgement about the whole
    // task (labels such as "good first issue", size, scope) that the feed filters on against the
    // user's preference; a per-skill difficulty would be a guess nothing could source.
    // labels is text[] (names only) so "has any of these labels" is an indexed && test.
    // GitHub caps a body at 65,536 characters, well inside tsvector's 1 MB limit.
    `CREATE TABLE issues (
       id bigint NOT NULL,
       node_id text,
       repository_id bigint NOT NULL,
       number integer NOT NULL,
       title text NOT NULL,
       body text,
       state text NOT NULL DEFAULT 'open',
       state_reason text,
       labels text[] NOT NULL DEFAULT '{}',
       author_login text,
       author_association text,
       assignees text[] NOT NULL DEFAULT '{}',
       comments_count integer NOT NULL DEFAULT 0,
       is_locked boolean NOT NULL DEFAULT false,
       milestone text,
       difficulty text,
       github_created_at timestamptz NOT NULL,
       github_updated_at timestamptz NOT NULL,
       closed_at timestamptz,
       last_maintainer_activity_at timestamptz,
       deleted_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       search_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
         setweight(to_tsvector('english', coalesce(body, '')), 'B')
       ) STORED,
       CONSTRAINT pk_issues PRIMARY KEY (id),
       CONSTRAINT uq_issues_repository_number UNIQUE (repository_id, number),
       CONSTRAINT uq_issues_node_id UNIQUE (node_id),
       CONSTRAINT fk_issues_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_issues_number CHECK (number > 0),
       CONSTRAINT ck_issues_state CHECK (state IN ('open', 'closed')),
       CONSTRAINT ck_issues_difficulty CHECK (difficulty IN ('beginner', 'intermediate', 'advanced'))
     )`,
    `CREATE INDEX ix_issues_search_vector ON issues USING gin (search_vector)`,
    `CREATE INDEX ix_issues_title_trgm ON issues USING gin (title gin_trgm_ops)`,
    `CREATE INDEX ix_issues_state_github_updated_at ON issues (state, github_updated_at DESC)`,
    `CREATE INDEX ix_issues_labels ON issues USING gin (labels)`,
    touchUpdatedAt("issues"),

    // Rewritten as a whole whenever the issue changes, hence no updated_at.
    `CREATE TABLE issue_skills (
       issue_id bigint NOT NULL,
       skill text NOT NULL,
       kind text NOT NULL,
       weight real NOT NULL DEFAULT 1,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_issue_skills PRIMARY KEY (issue_id, skill),
       CONSTRAINT fk_issue_skills_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_issue_skills_skill CHECK (skill <> '' AND skill = lower(skill)),
       CONSTRAINT ck_issue_skills_kind CHECK (kind IN ('language', 'framework', 'topic', 'work_kind')),
       CONSTRAINT ck_issue_skills_weight CHECK (weight BETWEEN 0 AND 1)
     )`,
    // Matching starts from the user's skills and looks for issues: skill first, issue_id along
    // for an index-only scan.
    `CREATE INDEX ix_issue_skills_skill ON issue_skills (skill, issue_id)`,

    // Competition on an issue: assignees, "can I take this?" claims, linked pull requests, and
    // explicit releases ("I'm no longer on this"). source_key is what makes a signal unique
    // within its kind (the login of an assignee, the comment id of a claim or release, the PR
    // number of a link), so a replayed webhook upserts instead of duplicating.
    `CREATE TABLE issue_signals (
       id bigint GENERATED ALWAYS AS IDENTITY,
       issue_id bigint NOT NULL,
       kind text NOT NULL,
       source_key text NOT NULL,
       actor_login text NOT NULL,
       comment_id bigint,
       pr_number integer,
       active boolean NOT NULL DEFAULT true,
       observed_at timestamptz NOT NULL DEFAULT now(),
       released_at timestamptz,
       CONSTRAINT pk_issue_signals PRIMARY KEY (id),
       CONSTRAINT uq_issue_signals_issue_kind_source_key UNIQUE (issue_id, kind, source_key),
       CONSTRAINT fk_issue_signals_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_issue_signals_kind CHECK (kind IN ('assignee', 'claim', 'linked_pr', 'release')),
       CONSTRAINT ck_issue_signals_linked_pr CHECK (kind <> 'linked_pr' OR pr_number IS NOT NULL),
       CONSTRAINT ck_issue_signals_comment CHECK (kind NOT IN ('claim', 'release') OR comment_id IS NOT NULL),
       CONSTRAINT ck_issue_signals_released CHECK (released_at IS NULL OR NOT active)
     )`,
    `CREATE INDEX ix_issue_signals_active ON issue_signals (issue_id) WHERE active`,
    // A pull request closing must find the issues it was linked to.
    `CREATE INDEX ix_issue_signals_pr_number ON issue_signals (pr_number) WHERE kind = 'linked_pr'`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE issue_signals`,
    `DROP TABLE issue_skills`,
    `DROP TABLE issues`,
    `DROP TABLE crawl_cursors`,
    `DROP TABLE repo_health_snapshots`,
    `DROP TABLE repositories`,
    `DROP TABLE installations`,
  ]);
}
