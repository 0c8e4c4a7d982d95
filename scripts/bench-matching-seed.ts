import type { Knex } from "knex";

// Shared by bench:feed and bench:search: a realistic index generated inside PostgreSQL with
// set-based statements (generate_series), never row by row. Words follow a skewed distribution so
// queries hit both common and rare terms; repositories have one to three languages.

export const LANGUAGES = ["TypeScript", "JavaScript", "Python", "Go", "Rust", "Java", "Ruby", "C++", "PHP", "Kotlin", "Swift", "Svelte"];
const FRAMEWORK_OF: Record<string, string> = { TypeScript: "react", JavaScript: "vue", Python: "django", Ruby: "rails", Svelte: "sveltekit", Rust: "tokio", Go: "kubernetes" };
export const WORDS = (
  "parser crash memory leak timeout docs typo flag config windows unicode logger cache websocket auth token migration dark mode button " +
  "keyboard accessibility pagination regex json yaml toml csv export import plugin theme sidebar modal tooltip render hydration ssr " +
  "router middleware session cookie redirect upload download stream buffer encoding locale translation i18n date timezone calendar " +
  "chart graph table sort filter search index query database schema connection pool retry backoff queue worker scheduler cron " +
  "notification email webhook signature oauth permission role admin dashboard settings profile avatar image resize thumbnail " +
  "compression gzip brotli benchmark performance regression flaky test coverage snapshot fixture mock lint format prettier eslint " +
  "typescript types generics inference declaration build bundle esm commonjs package release changelog version semver deprecation " +
  "warning error message stacktrace panic overflow underflow precision float rounding serializer deserializer validation schema " +
  "cli argument option help completion shell terminal color output progress spinner install uninstall docker container kubernetes"
).split(" ");
const LABELS = ["good first issue", "bug", "documentation", "enhancement", "help wanted", "tests", "refactor", "needs triage", "question", "performance"];

const FEED_INDEX_SOURCES = ["issues", "issue_skills", "issue_features", "issue_signals"];

const wordExpr = (skew: number) => `(array[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + floor(power(random(), ${skew}) * ${WORDS.length})::int]`;

export async function seedRepositories(knex: Knex, count: number): Promise<void> {
  await knex.raw(`select setseed(0.42)`);
  await knex.raw(`
    insert into repositories (id, owner, name, full_name, languages, language, tracked_via)
    select g, owner, name, owner || '/' || name, '{}', null, 'crawler'
    from (select g, 'org' || (g % 900) as owner, ${wordExpr(1)} || '-' || g as name from generate_series(1, ${count}) g) x`);
  // One to three languages per repository: a primary with most bytes, then smaller ones.
  await knex.raw(`create table bench_repo_languages as
    select r.id as repository_id, l.name, l.bytes from repositories r
    cross join lateral (
      select (array[${LANGUAGES.map((l) => `'${l}'`).join(",")}])[1 + ((r.id * k.n * 7 + k.n) % ${LANGUAGES.length})] as name, (100000 / (k.n * k.n)) as bytes
      from generate_series(1, 1 + (r.id % 3)) as k(n)
    ) l`);
  await knex.raw(`update repositories r set languages = x.langs, language = x.primary_language from (
    select repository_id, jsonb_object_agg(name, bytes) as langs, (array_agg(name order by bytes desc))[1] as primary_language
    from bench_repo_languages group by repository_id) x where x.repository_id = r.id`);
  await knex.raw(`insert into repo_health_snapshots (repository_id, score, components, computed_at)
    select id, round(cast(0.2 + random() * 0.8 as numeric), 3), jsonb_build_object('medianResponseHours', round(cast(2 + random() * 120 as numeric), 1)), now() - interval '1 day'
    from repositories`);
}

/** Issues from..to (ids), with skills, features and competition signals, as the index and matching would store them. */
export async function seedIssues(knex: Knex, from: number, to: number, repositories: number): Promise<void> {
  for (const index of ["ix_issues_search_vector", "ix_issues_title_trgm", "ix_issues_labels"]) await knex.raw(`drop index if exists ${index}`);
  // The feed's tables are rebuilt once at the end rather than maintained statement by statement.
  for (const table of FEED_INDEX_SOURCES) await knex.raw(`alter table ${table} disable trigger user`);
  await knex.raw(`
    insert into issues (id, repository_id, number, title, body, state, labels, assignees, comments_count, github_created_at, github_updated_at, created_at)
    select g, 1 + (cast(g as bigint) * 7919) % ${repositories}, g,
      initcap(${wordExpr(2)}) || ' ' || ${wordExpr(2)} || ' ' || ${wordExpr(1.5)} || ' ' || ${wordExpr(3)} || ' ' || ${wordExpr(1)},
      'When using the ' || ${wordExpr(2)} || ' with ' || ${wordExpr(2)} || ', the ' || ${wordExpr(1.5)} || ' fails. Steps: enable ' || ${wordExpr(2)} ||
        ', then run the ' || ${wordExpr(1)} || ' command. Expected ' || ${wordExpr(2)} || ' but got ' || ${wordExpr(3)} || ' and ' || ${wordExpr(1)} ||
        '. See src/' || ${wordExpr(1)} || '.ts for the ' || ${wordExpr(2)} || ' handling.',
      case when g % 5 = 0 then 'closed' else 'open' end,
      array[(array[${LABELS.map((l) => `'${l}'`).join(",")}])[1 + (cast(g as bigint) * 31) % ${LABELS.length}]],
      case when g % 23 = 0 then array['maintainer'] else '{}' end,
      (cast(g as bigint) * 17) % 14,
      now() - interval '200 days' + (g % 1000) * interval '1 minute',
      now() - (random() * 180) * interval '1 day',
      now() - interval '1 hour'
    from generate_series(${from}, ${to}) g`);
  await knex.raw(`create index if not exists ix_issues_search_vector on issues using gin (search_vector)`);
  await knex.raw(`create index if not exists ix_issues_title_trgm on issues using gin (title gin_trgm_ops)`);
  await knex.raw(`create index if not exists ix_issues_labels on issues using gin (labels)`);
  await knex.raw(`
    insert into issue_skills (issue_id, skill, kind, weight)
    select i.id, lower(l.name), case when l.name = 'Svelte' then 'framework' else 'language' end, least(1, 0.4 + 0.6 * l.bytes / 100000.0)
    from issues i join bench_repo_languages l on l.repository_id = i.repository_id
    where i.id between ${from} and ${to}
    on conflict do nothing`);
  await knex.raw(`
    insert into issue_skills (issue_id, skill, kind, weight)
    select i.id, (jsonb_build_object(${Object.entries(FRAMEWORK_OF).map(([l, f]) => `'${l}', '${f}'`).join(", ")}) ->> r.language), 'framework', 0.8
    from issues i join repositories r on r.id = i.repository_id
    where i.id between ${from} and ${to} and i.id % 4 = 0 and r.language in (${Object.keys(FRAMEWORK_OF).map((l) => `'${l}'`).join(",")})
    on conflict do nothing`);
  await knex.raw(`
    insert into issue_features (issue_id, difficulty, smallness, not_ready, not_ready_reason, work_kind, source_updated_at)
    select i.id,
      case when i.labels && array['good first issue', 'help wanted'] then 'beginner' when i.id % 3 = 0 then 'advanced' else 'intermediate' end,
      round(cast(random() as numeric), 3),
      i.labels && array['needs triage', 'question'],
      case when i.labels && array['needs triage', 'question'] then 'waiting for triage' end,
      case i.labels[1] when 'bug' then 'bug' when 'documentation' then 'docs' when 'enhancement' then 'feature' when 'tests' then 'tests' when 'refactor' then 'refactor' end,
      i.updated_at
    from issues i where i.id between ${from} and ${to}`);
  await knex.raw(`
    insert into issue_skills (issue_id, skill, kind, weight)
    select issue_id, work_kind, 'work_kind', 1 from issue_features where work_kind is not null and issue_id between ${from} and ${to}
    on conflict do nothing`);
  await knex.raw(`
    insert into issue_signals (issue_id, kind, source_key, actor_login, comment_id)
    select g, 'claim', 'c' || g, 'claimer', g from generate_series(${from}, ${to}) g where g % 11 = 0`);
  for (const table of FEED_INDEX_SOURCES) await knex.raw(`alter table ${table} enable trigger user`);
  await knex.raw(`analyze`);
  await knex.raw(`select feed_index_rebuild()`);
  await knex.raw(`select search_words_rebuild()`);
  await knex.raw(`vacuum analyze`);
}

/** A throwaway database on the local server, migrated; only 127.0.0.1 or localhost are accepted. */
export function benchDatabaseUrls(databaseUrl: string | undefined, name: string): { admin: string; bench: string } {
  if (!databaseUrl) throw new Error("DATABASE_URL is required (a PostgreSQL server on 127.0.0.1)");
  const url = new URL(databaseUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error(`benchmarks only run against a local server, not ${url.hostname}`);
  const bench = new URL(url);
  bench.pathname = `/${name}`;
  return { admin: url.toString(), bench: bench.toString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
