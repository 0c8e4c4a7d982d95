// @ts-check
// The feed's own index: one row per *showable* issue (open, not locked or deleted, unassigned, no
// active claim or linked pull request, ready, in a public repository that is neither archived nor
// deleted) holding everything scoring needs, and one row per (skill, showable issue) ordered by a
// user-independent prior so candidates per skill are an index range, not a scan.
//
// Both tables are kept by triggers on the tables they are derived from, inside the same
// transaction as the write that changes them, whichever code path makes it (webhooks, crawler,
// backfill, skill derivation, health). feed_index_rebuild() recomputes everything from scratch.
// Also search_words, the vocabulary of issue titles that search corrects typos against.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite speaks the extended protocol, which refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

// The prior uses the default weights (docs/matching.md): 0.35 × 0.75 of skill_match comes from the
// share of the issue's technical weight that one skill carries, plus repo_health and low_competition.
// It only chooses candidates; every candidate is then scored exactly with the configured weights.
const STATIC_PRIOR = `0.2 * coalesce(h.score, 0.5) + 0.1 / (1.0 + i.comments_count / 5.0)`;

/** @type {Array<[string, string]>} table and the statement-level events whose rows name issue ids */
const ISSUE_KEYED = [
  ["issues", "id"],
  ["issue_features", "issue_id"],
  ["issue_skills", "issue_id"],
  ["issue_signals", "issue_id"],
];

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    `CREATE TABLE feed_index (
       issue_id bigint NOT NULL,
       repository_id bigint NOT NULL,
       created_at timestamptz NOT NULL,
       github_updated_at timestamptz NOT NULL,
       comments_count integer NOT NULL,
       labels text[] NOT NULL,
       difficulty_rank smallint NOT NULL,
       smallness real NOT NULL,
       work_kind text,
       health real NOT NULL,
       skills text[] NOT NULL,
       weights real[] NOT NULL,
       all_skills text[] NOT NULL,
       excludable text[] NOT NULL,
       static_prior real NOT NULL,
       CONSTRAINT pk_feed_index PRIMARY KEY (issue_id),
       CONSTRAINT fk_feed_index_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_feed_index_skills CHECK (cardinality(skills) = cardinality(weights))
     )`,
    `CREATE INDEX ix_feed_index_static_prior ON feed_index (static_prior DESC, issue_id DESC)`,
    `CREATE INDEX ix_feed_index_github_updated_at ON feed_index (github_updated_at DESC, issue_id DESC)`,
    `CREATE INDEX ix_feed_index_repository_prior ON feed_index (repository_id, static_prior DESC)`,
    `CREATE TABLE feed_skill_rank (
       skill text NOT NULL,
       issue_id bigint NOT NULL,
       prior real NOT NULL,
       created_at timestamptz NOT NULL,
       github_updated_at timestamptz NOT NULL,
       work_kind text,
       health real NOT NULL,
       CONSTRAINT pk_feed_skill_rank PRIMARY KEY (issue_id, skill),
       CONSTRAINT fk_feed_skill_rank_issue FOREIGN KEY (issue_id) REFERENCES feed_index (issue_id) ON DELETE CASCADE
     )`,
    // Per skill, best prior first and newest first; the included columns let the cheap filters
    // (kind, minimum health, updated since, as-of) run inside the index scan.
    `CREATE INDEX ix_feed_skill_rank_prior ON feed_skill_rank (skill, prior DESC, issue_id DESC)
       INCLUDE (created_at, github_updated_at, work_kind, health)`,
    `CREATE INDEX ix_feed_skill_rank_recent ON feed_skill_rank (skill, github_updated_at DESC, issue_id DESC)
       INCLUDE (created_at, prior, work_kind, health)`,

    // What the feed may show, derived from the index: the single definition of "showable".
    `CREATE VIEW feed_index_source AS
     SELECT i.id AS issue_id, i.repository_id, i.created_at, i.github_updated_at, i.comments_count, i.labels,
       CAST(CASE ft.difficulty WHEN 'beginner' THEN 0 WHEN 'intermediate' THEN 1 ELSE 2 END AS smallint) AS difficulty_rank,
       ft.smallness, ft.work_kind, coalesce(h.score, 0.5) AS health,
       coalesce(s.skills, '{}') AS skills, coalesce(s.weights, '{}') AS weights,
       coalesce(s.all_skills, '{}') AS all_skills, coalesce(s.excludable, '{}') AS excludable,
       CAST(${STATIC_PRIOR} AS real) AS static_prior
     FROM issues i
     JOIN repositories r ON r.id = i.repository_id
     JOIN issue_features ft ON ft.issue_id = i.id
     LEFT JOIN LATERAL (
       SELECT hs.score FROM repo_health_snapshots hs
       WHERE hs.repository_id = i.repository_id ORDER BY hs.computed_at DESC LIMIT 1
     ) h ON true
     LEFT JOIN LATERAL (
       SELECT array_agg(sk.skill ORDER BY sk.skill) FILTER (WHERE sk.kind <> 'work_kind') AS skills,
         array_agg(sk.weight ORDER BY sk.skill) FILTER (WHERE sk.kind <> 'work_kind') AS weights,
         array_agg(sk.skill ORDER BY sk.skill) AS all_skills,
         array_agg(sk.skill ORDER BY sk.skill) FILTER (WHERE sk.kind IN ('language', 'framework') AND sk.weight >= 0.5) AS excludable
       FROM issue_skills sk WHERE sk.issue_id = i.id
     ) s ON true
     WHERE i.state = 'open' AND i.deleted_at IS NULL AND NOT i.is_locked AND cardinality(i.assignees) = 0
       AND NOT ft.not_ready AND NOT r.is_archived AND r.deleted_at IS NULL AND NOT r.is_private
       AND NOT EXISTS (SELECT 1 FROM issue_signals sg WHERE sg.issue_id = i.id AND sg.active AND sg.kind <> 'release')`,

    // The per-skill rows of feed_index: the skill's share of the issue's technical weight counts.
    `CREATE VIEW feed_skill_rank_source AS
     SELECT a.skill, fi.issue_id,
       CAST(fi.static_prior + 0.2625 * coalesce(u.weight / nullif(t.tech_weight, 0), 0) AS real) AS prior,
       fi.created_at, fi.github_updated_at, fi.work_kind, fi.health
     FROM feed_index fi
     CROSS JOIN LATERAL (SELECT sum(w) AS tech_weight FROM unnest(fi.weights) AS x(w)) t
     CROSS JOIN LATERAL unnest(fi.all_skills) AS a(skill)
     LEFT JOIN LATERAL (SELECT v.weight FROM unnest(fi.skills, fi.weights) AS v(skill, weight) WHERE v.skill = a.skill) u ON true`,

    // Recomputes the rows of the given issues from the source tables.
    `CREATE FUNCTION feed_index_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
     BEGIN
       IF cardinality(ids) = 0 THEN RETURN; END IF;
       DELETE FROM feed_index WHERE issue_id = ANY (ids);
       INSERT INTO feed_index SELECT * FROM feed_index_source WHERE issue_id = ANY (ids);
       INSERT INTO feed_skill_rank SELECT * FROM feed_skill_rank_source WHERE issue_id = ANY (ids);
     END $$`,

    `CREATE FUNCTION feed_index_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
     DECLARE n bigint;
     BEGIN
       DELETE FROM feed_index;
       INSERT INTO feed_index SELECT * FROM feed_index_source;
       GET DIAGNOSTICS n = ROW_COUNT;
       INSERT INTO feed_skill_rank SELECT * FROM feed_skill_rank_source;
       RETURN n;
     END $$`,

    // Statement-level: one refresh per statement, however many rows it touched.
    `CREATE FUNCTION feed_index_on_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       EXECUTE format('SELECT feed_index_refresh(array(SELECT DISTINCT %I FROM new_rows))', TG_ARGV[0]);
       RETURN NULL;
     END $$`,
    `CREATE FUNCTION feed_index_on_old_rows() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       EXECUTE format('SELECT feed_index_refresh(array(SELECT DISTINCT %I FROM old_rows))', TG_ARGV[0]);
       RETURN NULL;
     END $$`,
    ...ISSUE_KEYED.flatMap(([table, column]) => [
      `CREATE TRIGGER tg_${table}_feed_index_insert AFTER INSERT ON ${table}
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_index_on_new_rows('${column}')`,
      `CREATE TRIGGER tg_${table}_feed_index_update AFTER UPDATE ON ${table}
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_index_on_new_rows('${column}')`,
      `CREATE TRIGGER tg_${table}_feed_index_delete AFTER DELETE ON ${table}
         REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_index_on_old_rows('${column}')`,
    ]),

    // A repository that is archived, deleted, made private or gets a new health score changes
    // every one of its issues.
    `CREATE FUNCTION feed_index_on_repository() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM feed_index_refresh(array(SELECT i.id FROM issues i WHERE i.repository_id = NEW.id));
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER tg_repositories_feed_index AFTER UPDATE ON repositories FOR EACH ROW
       WHEN (OLD.is_archived IS DISTINCT FROM NEW.is_archived OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
         OR OLD.is_private IS DISTINCT FROM NEW.is_private)
       EXECUTE FUNCTION feed_index_on_repository()`,
    `CREATE FUNCTION feed_index_on_health() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM feed_index_refresh(array(SELECT i.id FROM issues i WHERE i.repository_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END).repository_id));
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER tg_repo_health_snapshots_feed_index AFTER INSERT OR UPDATE OR DELETE ON repo_health_snapshots
       FOR EACH ROW EXECUTE FUNCTION feed_index_on_health()`,

    // Search's typo tolerance: every word that occurs in an issue title, for "did you mean" by
    // trigram similarity. Words are only added; one that no title uses any more costs nothing.
    `CREATE TABLE search_words (
       word text NOT NULL,
       CONSTRAINT pk_search_words PRIMARY KEY (word)
     )`,
    `CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)`,
    `CREATE FUNCTION search_words_of(title text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
       SELECT DISTINCT w FROM regexp_split_to_table(lower(title), '[^a-z0-9+#]+') AS w WHERE length(w) BETWEEN 3 AND 40
     $$`,
    `CREATE FUNCTION search_words_on_titles() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO search_words (word)
       SELECT DISTINCT w FROM new_rows n CROSS JOIN LATERAL search_words_of(n.title) AS w
       ON CONFLICT DO NOTHING;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER tg_issues_search_words_insert AFTER INSERT ON issues
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_on_titles()`,
    `CREATE TRIGGER tg_issues_search_words_update AFTER UPDATE ON issues
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_on_titles()`,
    `CREATE FUNCTION search_words_rebuild() RETURNS void LANGUAGE sql AS $$
       INSERT INTO search_words (word) SELECT DISTINCT w FROM issues i CROSS JOIN LATERAL search_words_of(i.title) AS w
       ON CONFLICT DO NOTHING
     $$`,

    `SELECT feed_index_rebuild()`,
    `SELECT search_words_rebuild()`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TRIGGER tg_issues_search_words_update ON issues`,
    `DROP TRIGGER tg_issues_search_words_insert ON issues`,
    `DROP FUNCTION search_words_rebuild()`,
    `DROP FUNCTION search_words_on_titles()`,
    `DROP FUNCTION search_words_of(text)`,
    `DROP TABLE search_words`,
    `DROP TRIGGER tg_repo_health_snapshots_feed_index ON repo_health_snapshots`,
    `DROP TRIGGER tg_repositories_feed_index ON repositories`,
    ...ISSUE_KEYED.flatMap(([table]) =>
      ["insert", "update", "delete"].map((event) => `DROP TRIGGER tg_${table}_feed_index_${event} ON ${table}`),
    ),
    `DROP FUNCTION feed_index_on_health()`,
    `DROP FUNCTION feed_index_on_repository()`,
    `DROP FUNCTION feed_index_on_old_rows()`,
    `DROP FUNCTION feed_index_on_new_rows()`,
    `DROP FUNCTION feed_index_rebuild()`,
    `DROP FUNCTION feed_index_refresh(bigint[])`,
    `DROP VIEW feed_skill_rank_source`,
    `DROP VIEW feed_index_source`,
    `DROP TABLE feed_skill_rank`,
    `DROP TABLE feed_index`,
  ]);
}
