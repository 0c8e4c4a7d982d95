import type { Filters } from "../feed-filters.js";

/** Full-text matches ranked per request: the most recently active ones, up to this many. */
export const TEXT_CANDIDATES = 300;
/** Typo tolerance runs only when full text finds fewer matches than this. */
export const FUZZY_BELOW = 20;
export const FUZZY_CANDIDATES = 300;
/** Repositories whose name is most similar to the query, at most. */
export const FUZZY_REPOSITORIES = 5;
/** Query words looked up for a spelling correction, at most. */
export const MAX_CORRECTED_WORDS = 8;

const escapeHtml = (column: string) =>
  `replace(replace(replace(replace(coalesce(${column}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;

/** Filters on the issue row itself, applied inside every candidate scan so a filtered search still finds its matches. */
function scanFilterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.repo) parts.push(`i.repository_id in (select rf.id from repositories rf where lower(rf.full_name) = :repo)`);
  if (filters.label) parts.push(`exists (select 1 from unnest(i.labels) as l(name) where lower(l.name) = lower(:label))`);
  if (filters.updatedSince) parts.push(`i.github_updated_at >= cast(:updatedSince as timestamptz)`);
  return parts.map((p) => `and ${p}`).join(" ");
}

/** Filters that need another table, checked per candidate. */
function candidateFilterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.language) parts.push(`exists (select 1 from issue_skills fl where fl.issue_id = i.id and fl.skill = :language)`);
  if (filters.kind) parts.push(`exists (select 1 from issue_features fk where fk.issue_id = i.id and fk.work_kind = :kind)`);
  if (filters.minHealth !== undefined) {
    parts.push(`coalesce((select hs.score from repo_health_snapshots hs where hs.repository_id = i.repository_id order by hs.computed_at desc limit 1), 0.5) >= :minHealth`);
  }
  return parts.map((p) => `and ${p}`).join("\n    ");
}

const TSQ = `websearch_to_tsquery('english', :q)`;
const FIXED_TSQ = `websearch_to_tsquery('english', cast(:fixed as text))`;

/**
 * Whether full text alone finds at least FUZZY_BELOW matches: stops at that many, so it costs
 * little for common words and is a GIN lookup for rare ones.
 */
export function exactCountSql(filters: Filters): string {
  return `select count(*)::int as n, (select greatest(c.reltuples, 0) from pg_class c where c.oid = 'issues'::regclass) as total from (
    select 1 from issues i where i.search_vector @@ ${TSQ} and i.state = 'open' and i.created_at <= cast(:asOf as timestamptz) ${scanFilterSql(filters)}
    limit ${FUZZY_BELOW}) x`;
}

/** The planner's estimate of the open issues the query matches (EXPLAIN, nothing is read). */
export const matchEstimateSql = `explain (format json) select 1 from issues i where i.search_vector @@ ${TSQ} and i.state = 'open'`;

/**
 * Walking the recency index reads about TEXT_CANDIDATES × total ÷ matches rows to find the newest
 * matches; collecting every match from the GIN index and sorting them reads about `matches` rows.
 * Walk when that is no more: common words. For middling ones (thousands of matches in a million)
 * the planner still walks, trusting a correlation between recency and the table's order that
 * issues do not have, and reads tens of thousands of scattered rows.
 */
export function shouldWalkRecency(estimatedMatches: number, totalIssues: number): boolean {
  return estimatedMatches * estimatedMatches >= TEXT_CANDIDATES * Math.max(totalIssues, 1);
}

/**
 * The query with each word (up to MAX_CORRECTED_WORDS) that is no issue-title word replaced by the
 * most similar one in search_words (trigram similarity above pg_trgm's threshold); null when no
 * word changed.
 */
export const correctionSql = `
with words as (
  select w.word, w.n, exists (select 1 from search_words k where k.word = w.word) as known
  from regexp_split_to_table(lower(:q), '[^a-z0-9+#]+') with ordinality as w(word, n)
  where length(w.word) between 3 and 40 and w.n <= ${MAX_CORRECTED_WORDS}
)
select case when bool_or(s.word is not null) then string_agg(coalesce(s.word, w.word), ' ' order by w.n) end as fixed
from words w
left join lateral (
  select sw.word from search_words sw
  where not w.known and sw.word % w.word
  order by similarity(sw.word, w.word) desc, sw.word limit 1
) s on true`;

/**
 * Full-text matches (websearch syntax, title weighted A, body B): the most recently active
 * TEXT_CANDIDATES of them are ranked; the tsquery is a constant of the statement so the planner
 * sees how common its words are (walk the recency index for common words, the GIN index for rare
 * ones). With typo tolerance (when full text found fewer than FUZZY_BELOW, see searchIssues), issues
 * matching the corrected query (:fixed) and issues of repositories whose name is similar to the
 * query join the candidates. Availability, health and highlighting are computed only for the rows
 * of the page, on HTML-escaped text.
 */
export function searchSql(
  filters: Filters,
  hasPosition: boolean,
  plan: { fuzzy: boolean; walkRecency?: boolean; walkFixed?: boolean },
): string {
  const { fuzzy, walkRecency = true, walkFixed = true } = plan;
  // The same order either way; written as an expression, it cannot be read off the recency index,
  // so the planner collects the matches from the GIN index and sorts them (see shouldWalkRecency).
  const recency = (walk: boolean) => (walk ? "i.github_updated_at" : "(i.github_updated_at + interval '0 seconds')");
  const issueScan = (tsq: string, limit: number, walk = true) => `
    select i.id from issues i
    where i.search_vector @@ ${tsq} and i.state = 'open' and i.created_at <= cast(:asOf as timestamptz) ${scanFilterSql(filters)}
    order by ${recency(walk)} desc, i.id desc limit ${limit}`;
  const typoTolerance = fuzzy
    ? `, fuzzy as materialized (
  select x.id from (${issueScan(FIXED_TSQ, FUZZY_CANDIDATES, walkFixed)}
  ) x
  union all
  select y.id from (
    select i.id from (
      select r0.id from repositories r0 where r0.full_name % :q order by similarity(r0.full_name, :q) desc, r0.id limit ${FUZZY_REPOSITORIES}
    ) r join issues i on i.repository_id = r.id
    where i.state = 'open' and i.created_at <= cast(:asOf as timestamptz) ${scanFilterSql(filters)}
    order by i.github_updated_at desc, i.id desc limit ${FUZZY_CANDIDATES}
  ) y
), t as materialized (
  select case when cast(:fixed as text) is null then ${TSQ} else ${TSQ} || ${FIXED_TSQ} end as tsq
)`
    : `, t as materialized (select ${TSQ} as tsq)`;
  return `
with exact as materialized (${issueScan(TSQ, TEXT_CANDIDATES, walkRecency)}
)${typoTolerance}, cand as (
  select id from exact ${fuzzy ? "union select id from fuzzy" : ""}
), ranked as (
  select i.id, i.repository_id, r.full_name, i.number, i.title, i.body, i.labels, i.github_updated_at, i.assignees,
    round(cast(0.6 * ts_rank_cd(i.search_vector, t.tsq, 32) * 2
      + 0.3 * ${fuzzy ? "similarity(i.title, :q)" : "0"} + 0.1 * ${fuzzy ? "similarity(r.full_name, :q)" : "0"} as numeric), 6) as rank
  from cand c
  cross join t
  -- LATERAL with LIMIT 1: a primary-key probe per candidate whatever the estimate.
  cross join lateral (select * from issues i0 where i0.id = c.id limit 1) i
  cross join lateral (select * from repositories r0 where r0.id = i.repository_id limit 1) r
  where i.deleted_at is null and not r.is_archived and r.deleted_at is null and not r.is_private
    ${candidateFilterSql(filters)}
), page as (
  select * from ranked
  ${hasPosition ? `where rank < cast(:pRank as numeric) or (rank = cast(:pRank as numeric) and id < :pId)` : ""}
  order by rank desc, id desc
  limit :limitPlusOne
)
select page.*, coalesce(h.score, 0.5) as health, ft.not_ready, ft.not_ready_reason, ft.difficulty,
  exists (select 1 from issue_signals sg where sg.issue_id = page.id and sg.active and sg.kind <> 'release') or cardinality(page.assignees) > 0 as taken,
  ts_headline('english', ${escapeHtml("page.title")}, t.tsq, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true') as title_html,
  ts_headline('english', ${escapeHtml("left(page.body, 20000)")}, t.tsq, 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') as snippet_html
from page
cross join t
left join issue_features ft on ft.issue_id = page.id
left join lateral (
  select hs.score from repo_health_snapshots hs where hs.repository_id = page.repository_id order by hs.computed_at desc limit 1
) h on true
order by page.rank desc, page.id desc`;
}
