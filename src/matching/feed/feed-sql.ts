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

export const PER_SKILL_CANDIDATES = 800;
export const FALLBACK_CANDIDATES = 1_000;
export const PER_REPOSITORY_PER_TIER = 3;

/** Conditions every shown issue meets; `i` issues, `r` repositories, `ft` issue_features, `h` health. */
function filterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.language) parts.push(`exists (select 1 from issue_skills fl where fl.issue_id = i.id and fl.skill = :language)`);
  if (filters.label) parts.push(`exists (select 1 from unnest(i.labels) as l(name) where lower(l.name) = lower(:label))`);
  if (filters.kind) parts.push(`ft.work_kind = :kind`);
  if (filters.repo) parts.push(`lower(r.full_name) = :repo`);
  if (filters.minHealth !== undefined) parts.push(`coalesce(h.score, 0.5) >= :minHealth`);
  if (filters.updatedSince) parts.push(`i.github_updated_at >= cast(:updatedSince as timestamptz)`);
  return parts.map((p) => `and ${p}`).join("\n      ");
}

/** Cheap filters that narrow the fallback candidates (the newest open issues) before the limit. */
function fallbackFilterSql(filters: Filters): string {
  const parts: string[] = [];
  if (filters.repo) parts.push(`i.repository_id in (select id from repositories where lower(full_name) = :repo)`);
  if (filters.label) parts.push(`i.labels && array[cast(:label as text)]`);
  if (filters.updatedSince) parts.push(`i.github_updated_at >= cast(:updatedSince as timestamptz)`);
  return parts.map((p) => `and ${p}`).join(" ");
}

/**
 * The whole feed as one statement: a bounded candidate set (per skill, the newest issues that ask
 * for it, plus the most recently active open issues), availability and readiness checks, the five
 * components and the feedback adjustment, a diversity tier per repository, and a keyset page.
 * Everything is computed as of `asOf` so later pages rank exactly like the first one.
 */
export function feedSql(filters: Filters, hasPosition: boolean, single = false): string {
  const candidates = single
    ? `select cast(:onlyIssue as bigint) as issue_id`
    : `select distinct u.issue_id from (
    select c.issue_id from jsonb_array_elements_text(cast(:candidateSkills as jsonb)) as k(skill)
    cross join lateral (
      select s.issue_id from issue_skills s
      where s.skill = k.skill and s.created_at <= cast(:asOf as timestamptz)
      order by s.issue_id desc limit ${PER_SKILL_CANDIDATES}
    ) c
    union all
    select x.id from (
      select i.id from issues i
      where i.state = 'open' and i.created_at <= cast(:asOf as timestamptz) ${fallbackFilterSql(filters)}
      order by i.github_updated_at desc limit ${FALLBACK_CANDIDATES}
    ) x
  ) u`;
  return `
with us as materialized (
  select skill, level from jsonb_to_recordset(cast(:userSkills as jsonb)) as t(skill text, level float8)
), goals as materialized (
  select distinct jsonb_array_elements_text(cast(:goals as jsonb)) as skill
), excluded_languages as materialized (
  select distinct jsonb_array_elements_text(cast(:excludeLanguages as jsonb)) as skill
), fb as materialized (
  select f.issue_id, f.value, fi.repository_id, ff.work_kind
  from feedback f join issues fi on fi.id = f.issue_id left join issue_features ff on ff.issue_id = f.issue_id
  where f.user_id = :userId
), cand_ids as materialized (
  ${candidates}
), cand as materialized (
  select c.issue_id,
    sum(s.weight) filter (where s.kind <> 'work_kind') as tech_weight,
    sum(s.weight * us.level) filter (where s.kind <> 'work_kind') as known,
    sum(s.weight) filter (where s.kind <> 'work_kind' and g.skill is not null) as goal,
    array_agg(s.skill order by s.weight * us.level desc) filter (where s.kind <> 'work_kind' and us.level >= 0.3) as known_skills,
    array_agg(s.skill order by s.weight desc) filter (where s.kind <> 'work_kind' and g.skill is not null) as goal_skills,
    bool_or(s.kind in ('language', 'framework') and s.weight >= 0.5 and x.skill is not null) as excluded
  from cand_ids c
  left join issue_skills s on s.issue_id = c.issue_id
  left join us on us.skill = s.skill
  left join goals g on g.skill = s.skill
  left join excluded_languages x on x.skill = s.skill
  group by c.issue_id
), scored as (
  select i.id, i.repository_id, r.full_name, r.tracked_via, r.installation_id, i.number, i.title, i.labels, i.comments_count,
    i.github_updated_at, i.updated_at as indexed_at, ft.difficulty, ft.smallness, ft.work_kind,
    coalesce(h.score, 0.5) as health, h.components as health_components,
    coalesce(c.known_skills, '{}') as known_skills, coalesce(c.goal_skills, '{}') as goal_skills,
    fbs.repo_net, fbs.kind_net,
    least(1, greatest(0, 0.75 * coalesce(c.known / nullif(c.tech_weight, 0), 0) + 0.25 * (
      (1 - cast(:smallWeight as float8)) * (case when cast(:target as int) is null then 1
        else 1 - 0.4 * abs((case ft.difficulty when 'beginner' then 0 when 'intermediate' then 1 else 2 end) - cast(:target as int)) end)
      + cast(:smallWeight as float8) * ft.smallness))) as skill_match,
    least(1, 0.8 * coalesce(c.goal / nullif(c.tech_weight, 0), 0)
      + 0.2 * (case when ft.work_kind in (select jsonb_array_elements_text(cast(:workKinds as jsonb))) then 1 else 0 end)) as growth_match,
    exp(-greatest(0, extract(epoch from (cast(:asOf as timestamptz) - least(i.github_updated_at, cast(:asOf as timestamptz))))) / 86400.0 / 30.0) as freshness,
    1.0 / (1.0 + i.comments_count / 5.0) as low_competition,
    greatest(-0.1, least(0.1, 0.04 * fbs.repo_net + 0.02 * fbs.kind_net)) as feedback
  from cand c
  -- Each lookup is a LATERAL with LIMIT 1 so it stays a primary-key probe per candidate: the
  -- candidate count is only known at run time, and a misestimate must not turn these into scans.
  cross join lateral (select * from issues i0 where i0.id = c.issue_id limit 1) i
  cross join lateral (select * from repositories r0 where r0.id = i.repository_id limit 1) r
  cross join lateral (select * from issue_features f0 where f0.issue_id = i.id limit 1) ft
  left join lateral (
    select hs.score, hs.components from repo_health_snapshots hs
    where hs.repository_id = i.repository_id order by hs.computed_at desc limit 1
  ) h on true
  cross join lateral (
    select coalesce(sum(fb.value) filter (where fb.repository_id = i.repository_id), 0) as repo_net,
      coalesce(sum(fb.value) filter (where fb.work_kind = ft.work_kind), 0) as kind_net
    from fb where fb.issue_id <> i.id
  ) fbs
  where i.state = 'open' and i.deleted_at is null and not i.is_locked and i.created_at <= cast(:asOf as timestamptz)
    and not r.is_archived and r.deleted_at is null and not r.is_private
    and cardinality(i.assignees) = 0 and not ft.not_ready
    and not exists (select 1 from issue_signals sg where sg.issue_id = i.id and sg.active and sg.kind <> 'release')
    and not exists (select 1 from fb where fb.issue_id = i.id and fb.value < 0)
    and not coalesce(c.excluded, false)
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
)
select * from ranked
${hasPosition ? `where tier > :pTier or (tier = :pTier and (score < cast(:pScore as numeric) or (score = cast(:pScore as numeric) and id < :pId)))` : ""}
order by tier, score desc, id desc
limit :limitPlusOne`;
}

export function feedBindings(profile: FeedProfile, weights: FeedWeights, filters: Filters, asOf: Date, limit: number, position?: FeedPosition, onlyIssue?: number) {
  const candidateSkills = [...new Set([...profile.skills.map((s) => s.skill), ...profile.goals, ...(filters.language ? [filters.language] : [])])];
  return {
    userId: profile.userId,
    userSkills: JSON.stringify(profile.skills),
    goals: JSON.stringify(profile.goals),
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
