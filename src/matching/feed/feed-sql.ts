import type { FeedWeights } from "../../config.js";
import type { Filters } from "../feed-filters.js";

/** Everything the feed query needs about one user, already read through the users domain. */
export interface FeedProfile {
  userId: number;
  skills: Array<{ skill: string; level: number }>;
  goals: string[];
  workKinds: string[];
  excludeLanguages: string[];
  /** 0 beginner, 1 intermediate, 2 advanced; null when the user has no preference */
  targetDifficulty: number | null;
  /** how much an issue's smallness counts toward the difficulty fit (newcomers: small is better) */
  smallWeight: number;
}

export interface FeedPosition {
  tier: number;
  score: string;
  id: number;
}

/** Per skill the user knows or wants to learn: the issues with the best prior, and the newest. */
export const PER_SKILL_BY_PRIOR = 60;
export const PER_SKILL_RECENT = 25;
/** With a language filter only that skill's lists are walked, so they go deeper. */
export const LANGUAGE_BY_PRIOR = 200;
export const LANGUAGE_RECENT = 60;
/** Whatever the skills: the best-prior and the most recently active showable issues. */
export const FALLBACK_BY_PRIOR = 50;
export const FALLBACK_RECENT = 50;
/** A repository filter ranks that repository's showable issues, best prior first, up to this many. */
export const REPOSITORY_CANDIDATES = 2_000;
export const PER_REPOSITORY_PER_TIER = 3;

/**
 * Conditions every shown issue meets beyond being in feed_index; `fi` is the feed_index row.
 * Availability, readiness and the repository's state are what feed_index already guarantees.
 */
function filterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.language) parts.push(`cast(:language as text) = any(fi.all_skills)`);
  if (filters.label) parts.push(`exists (select 1 from unnest(fi.labels) as l(name) where lower(l.name) = lower(:label))`);
  if (filters.kind) parts.push(`fi.work_kind = :kind`);
  if (filters.repo) parts.push(`fi.repository_id in (select rf.id from repositories rf where lower(rf.full_name) = :repo)`);
  if (filters.minHealth !== undefined) parts.push(`fi.health >= :minHealth`);
  if (filters.updatedSince) parts.push(`fi.github_updated_at >= cast(:updatedSince as timestamptz)`);
  return parts.map((p) => `and ${p}`).join(" ");
}

/** The same filters inside a walk of feed_skill_rank (`sr`), so a filtered page still finds K candidates. */
function rankFilterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.kind) parts.push(`sr.work_kind = :kind`);
  if (filters.minHealth !== undefined) parts.push(`sr.health >= :minHealth`);
  if (filters.updatedSince) parts.push(`sr.github_updated_at >= cast(:updatedSince as timestamptz)`);
  if (filters.label) {
    parts.push(`exists (select 1 from feed_index fl, unnest(fl.labels) as l(name) where fl.issue_id = sr.issue_id and lower(l.name) = lower(:label))`);
  }
  return parts.map((p) => `and ${p}`).join(" ");
}

function skillWalks(filters: Filters, byPrior: number, recent: number): string {
  const walk = (order: string, limit: number) => `
    select c.issue_id from jsonb_array_elements_text(cast(:candidateSkills as jsonb)) as k(skill)
    cross join lateral (
      select sr.issue_id from feed_skill_rank sr
      where sr.skill = k.skill and sr.created_at <= cast(:asOf as timestamptz) ${rankFilterSql(filters)}
      order by ${order} limit ${limit}
    ) c`;
  return `${walk("sr.prior desc, sr.issue_id desc", byPrior)}
    union all ${walk("sr.github_updated_at desc, sr.issue_id desc", recent)}`;
}

function fallbackWalks(filters: Filters): string {
  const walk = (order: string, limit: number) => `
    select x.issue_id from (
      select fi.issue_id from feed_index fi where fi.created_at <= cast(:asOf as timestamptz) ${filterSql(filters)}
      order by ${order} limit ${limit}
    ) x`;
  return `${walk("fi.static_prior desc, fi.issue_id desc", FALLBACK_BY_PRIOR)}
    union all ${walk("fi.github_updated_at desc, fi.issue_id desc", FALLBACK_RECENT)}`;
}

/** A bounded candidate set drawn from indexes on feed_index and feed_skill_rank (see docs/matching.md). */
function candidatesSql(filters: Filters, single: boolean): string {
  if (single) return `select cast(:onlyIssue as bigint) as issue_id`;
  if (filters.repo) {
    return `select fi.issue_id from feed_index fi
    where fi.repository_id in (select rf.id from repositories rf where lower(rf.full_name) = :repo)
      and fi.created_at <= cast(:asOf as timestamptz) ${filterSql(filters)}
    order by fi.static_prior desc limit ${REPOSITORY_CANDIDATES}`;
  }
  // Every item of a language-filtered feed has that skill, so its lists alone hold the candidates.
  const walks = filters.language
    ? skillWalks(filters, LANGUAGE_BY_PRIOR, LANGUAGE_RECENT)
    : `${skillWalks(filters, PER_SKILL_BY_PRIOR, PER_SKILL_RECENT)}
    union all ${fallbackWalks(filters)}`;
  return `select distinct u.issue_id from (${walks}
  ) u`;
}

/**
 * The whole feed as one statement over feed_index (showable issues only, maintained by triggers):
 * a bounded candidate set, the five components and the feedback adjustment computed from the
 * candidate's own row, a diversity tier per repository, a keyset page, and only then the display
 * columns for the rows of the page. Everything is computed as of `asOf` so later pages rank
 * exactly like the first one.
 */
export function feedSql(filters: Filters, hasPosition: boolean, single = false): string {
  return `
with p as materialized (
  select cast(:userLevels as jsonb) as levels, cast(:goalSet as jsonb) as goals,
    array(select jsonb_array_elements_text(cast(:excludeLanguages as jsonb))) as excluded,
    array(select jsonb_array_elements_text(cast(:workKinds as jsonb))) as work_kinds
), fb as materialized (
  select f.issue_id, f.value, fi.repository_id, ff.work_kind
  from feedback f join issues fi on fi.id = f.issue_id left join issue_features ff on ff.issue_id = f.issue_id
  where f.user_id = :userId
), cand_ids as materialized (
  ${candidatesSql(filters, single)}
), scored as (
  select fi.issue_id as id, fi.repository_id, fi.labels, fi.comments_count, fi.github_updated_at, fi.smallness, fi.work_kind,
    fi.health, coalesce(m.known_skills, '{}') as known_skills, coalesce(m.goal_skills, '{}') as goal_skills,
    fbs.repo_net, fbs.kind_net,
    least(1, greatest(0, 0.75 * coalesce(m.known / nullif(m.tech_weight, 0), 0) + 0.25 * (
      (1 - cast(:smallWeight as float8)) * (case when cast(:target as int) is null then 1
        else 1 - 0.4 * abs(fi.difficulty_rank - cast(:target as int)) end)
      + cast(:smallWeight as float8) * fi.smallness))) as skill_match,
    least(1, 0.8 * coalesce(m.goal / nullif(m.tech_weight, 0), 0)
      + 0.2 * (case when fi.work_kind = any(p.work_kinds) then 1 else 0 end)) as growth_match,
    exp(-greatest(0, extract(epoch from (cast(:asOf as timestamptz) - least(fi.github_updated_at, cast(:asOf as timestamptz))))) / 86400.0 / 30.0) as freshness,
    1.0 / (1.0 + fi.comments_count / 5.0) as low_competition,
    greatest(-0.1, least(0.1, 0.04 * fbs.repo_net + 0.02 * fbs.kind_net)) as feedback
  from cand_ids c
  cross join p
  -- A LATERAL with LIMIT 1 keeps this a primary-key probe per candidate whatever the estimate.
  cross join lateral (select * from feed_index f0 where f0.issue_id = c.issue_id limit 1) fi
  cross join lateral (
    select sum(s.weight) as tech_weight,
      sum(s.weight * u.level) as known,
      sum(s.weight) filter (where u.goal) as goal,
      array_agg(s.skill order by s.weight * u.level desc) filter (where u.level >= 0.3) as known_skills,
      array_agg(s.skill order by s.weight desc) filter (where u.goal) as goal_skills
    from unnest(fi.skills, fi.weights) as s(skill, weight)
    cross join lateral (select cast(p.levels ->> s.skill as float8) as level, p.goals ->> s.skill is not null as goal) u
  ) m
  cross join lateral (
    select coalesce(sum(fb.value) filter (where fb.repository_id = fi.repository_id), 0) as repo_net,
      coalesce(sum(fb.value) filter (where fb.work_kind = fi.work_kind), 0) as kind_net
    from fb where fb.issue_id <> fi.issue_id
  ) fbs
  where fi.created_at <= cast(:asOf as timestamptz)
    and not (fi.excludable && p.excluded)
    and not exists (select 1 from fb where fb.issue_id = fi.issue_id and fb.value < 0)
    ${filterSql(filters)}
), contributions as (
  select scored.*,
    round(cast(:wSkill * skill_match as numeric), 6) as c_skill,
    round(cast(:wGrowth * growth_match as numeric), 6) as c_growth,
    round(cast(:wHealth * health as numeric), 6) as c_health,
    round(cast(:wFreshness * freshness as numeric), 6) as c_freshness,
    round(cast(:wCompetition * low_competition as numeric), 6) as c_competition,
    round(cast(feedback as numeric), 6) as c_feedback
  from scored
), totals as (
  select contributions.*, c_skill + c_growth + c_health + c_freshness + c_competition + c_feedback as score
  from contributions
), ranked as (
  select totals.*,
    (row_number() over (partition by repository_id order by score desc, id desc) - 1) / ${PER_REPOSITORY_PER_TIER} as tier
  from totals
), page as (
  select * from ranked
  ${hasPosition ? `where tier > :pTier or (tier = :pTier and (score < cast(:pScore as numeric) or (score = cast(:pScore as numeric) and id < :pId)))` : ""}
  order by tier, score desc, id desc
  limit :limitPlusOne
)
select page.*, i.number, i.title, i.updated_at as indexed_at, r.full_name, r.tracked_via, r.installation_id,
  ft.difficulty, h.components as health_components
from page
join issues i on i.id = page.id
join repositories r on r.id = page.repository_id
join issue_features ft on ft.issue_id = page.id
left join lateral (
  select hs.components from repo_health_snapshots hs
  where hs.repository_id = page.repository_id order by hs.computed_at desc limit 1
) h on true
order by page.tier, page.score desc, page.id desc`;
}

export function feedBindings(profile: FeedProfile, weights: FeedWeights, filters: Filters, asOf: Date, limit: number, position?: FeedPosition, onlyIssue?: number) {
  const candidateSkills = filters.language ? [filters.language] : [...new Set([...profile.skills.map((s) => s.skill), ...profile.goals])];
  return {
    userId: profile.userId,
    userLevels: JSON.stringify(Object.fromEntries(profile.skills.map((s) => [s.skill, s.level]))),
    goalSet: JSON.stringify(Object.fromEntries(profile.goals.map((g) => [g, true]))),
    workKinds: JSON.stringify(profile.workKinds),
    excludeLanguages: JSON.stringify(profile.excludeLanguages),
    candidateSkills: JSON.stringify(candidateSkills),
    target: profile.targetDifficulty,
    smallWeight: profile.smallWeight,
    asOf: asOf.toISOString(),
    wSkill: weights.skill,
    wGrowth: weights.growth,
    wHealth: weights.health,
    wFreshness: weights.freshness,
    wCompetition: weights.competition,
    limitPlusOne: limit + 1,
    ...filters,
    ...(onlyIssue === undefined ? {} : { onlyIssue }),
    ...(position ? { pTier: position.tier, pScore: position.score, pId: position.id } : {}),
  };
}
