import type { Filters } from "../feed-filters.js";

export const TEXT_CANDIDATES = 2_000;
export const FUZZY_CANDIDATES = 300;

const escapeHtml = (column: string) =>
  `replace(replace(replace(replace(coalesce(${column}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;

function filterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.language) parts.push(`exists (select 1 from issue_skills fl where fl.issue_id = i.id and fl.skill = :language)`);
  if (filters.label) parts.push(`exists (select 1 from unnest(i.labels) as l(name) where lower(l.name) = lower(:label))`);
  if (filters.kind) parts.push(`exists (select 1 from issue_features fk where fk.issue_id = i.id and fk.work_kind = :kind)`);
  if (filters.repo) parts.push(`lower(r.full_name) = :repo`);
  if (filters.minHealth !== undefined) parts.push(`coalesce(h.score, 0.5) >= :minHealth`);
  if (filters.updatedSince) parts.push(`i.github_updated_at >= cast(:updatedSince as timestamptz)`);
  return parts.map((p) => `and ${p}`).join("\n    ");
}

/**
 * Full-text matches (websearch syntax, title weighted A, body B) and trigram matches on titles and
 * repository names, each capped before ranking so a common word never ranks the whole index.
 * Highlighting runs on HTML-escaped text and only for the rows of the page.
 */
export function searchSql(filters: Filters, hasPosition: boolean, fuzzy: boolean): string {
  const fuzzyCandidates = fuzzy
    ? `union
    select t.id from (
      select i.id from issues i where i.title % :q and i.state = 'open' and i.created_at <= cast(:asOf as timestamptz)
      limit ${FUZZY_CANDIDATES}
    ) t
    union
    select rr.id from (
      select i.id from repositories r join issues i on i.repository_id = r.id
      where r.full_name % :q and i.state = 'open' and i.created_at <= cast(:asOf as timestamptz)
      limit ${FUZZY_CANDIDATES}
    ) rr`
    : "";
  return `
with q as (
  select websearch_to_tsquery('english', :q) as tsq
), cand as (
  select x.id from (
    select i.id from issues i, q
    where i.search_vector @@ q.tsq and i.state = 'open' and i.created_at <= cast(:asOf as timestamptz)
    limit ${TEXT_CANDIDATES}
  ) x
  ${fuzzyCandidates}
), ranked as (
  select i.id, i.repository_id, r.full_name, i.number, i.title, i.body, i.labels, i.github_updated_at, i.assignees,
    coalesce(h.score, 0.5) as health, ft.not_ready, ft.not_ready_reason, ft.difficulty,
    round(cast(0.6 * ts_rank_cd(i.search_vector, q.tsq, 32) * 2
      + 0.3 * ${fuzzy ? "similarity(i.title, :q)" : "0"} + 0.1 * ${fuzzy ? "similarity(r.full_name, :q)" : "0"} as numeric), 6) as rank,
    exists (select 1 from issue_signals sg where sg.issue_id = i.id and sg.active and sg.kind <> 'release') or cardinality(i.assignees) > 0 as taken
  from cand c
  cross join q
  join issues i on i.id = c.id
  join repositories r on r.id = i.repository_id
  left join issue_features ft on ft.issue_id = i.id
  left join lateral (
    select hs.score from repo_health_snapshots hs where hs.repository_id = i.repository_id order by hs.computed_at desc limit 1
  ) h on true
  where i.deleted_at is null and not r.is_archived and r.deleted_at is null and not r.is_private
    ${filterSql(filters)}
), page as (
  select * from ranked
  ${hasPosition ? `where rank < cast(:pRank as numeric) or (rank = cast(:pRank as numeric) and id < :pId)` : ""}
  order by rank desc, id desc
  limit :limitPlusOne
)
select page.*,
  ts_headline('english', ${escapeHtml("page.title")}, q.tsq, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true') as title_html,
  ts_headline('english', ${escapeHtml("left(page.body, 20000)")}, q.tsq, 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') as snippet_html
from page cross join q
order by rank desc, id desc`;
}
