import type { Knex } from "knex";

/**
 * Labels that mark an issue as meant for newcomers: GitHub's defaults and the usual variants
 * (the same family matching reads as "beginner"). A POSIX regular expression for `~*`.
 */
export const NEWCOMER_LABEL_PATTERN = "\\m(good[- ]first[- ]issues?|first[- ]timers?[- ]only|beginners?|easy|starter|newcomers?|help[- ]wanted|up-for-grabs|low[- ]hanging)";
/** Authors GitHub records as new to the repository: no commit, no merged pull request. */
export const NEWCOMER_ASSOCIATIONS = ["FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR", "NONE"];
const MAINTAINER_ASSOCIATIONS = ["OWNER", "MEMBER", "COLLABORATOR"];

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const round = (value: number | null, places = 2) => (value === null ? null : Math.round(value * 10 ** places) / 10 ** places);

export interface HealthPoint {
  computedAt: Date;
  score: number;
  commitScore: number | null;
  commitsPerWeek: number | null;
  mergeRate: number | null;
  responseScore: number | null;
  medianResponseHours: number | null;
}

/** One point per stored daily snapshot since `since`, oldest first (at most a year of them). */
export async function listHealthTrend(knex: Knex, repositoryId: number, since: Date): Promise<HealthPoint[]> {
  const rows: Array<Record<string, unknown>> = await knex("repo_health_snapshots")
    .where({ repository_id: repositoryId })
    .where("computed_at", ">=", since)
    .orderBy("computed_at", "asc")
    .limit(366)
    .select(
      "computed_at",
      "score",
      knex.raw("(components->>'commitScore')::float8 as commit_score"),
      knex.raw("(components->>'commitsPerWeek')::float8 as commits_per_week"),
      knex.raw("(components->>'mergeRate')::float8 as merge_rate"),
      knex.raw("(components->>'responseScore')::float8 as response_score"),
      knex.raw("(components->>'medianResponseHours')::float8 as median_response_hours"),
    );
  return rows.map((r) => ({
    computedAt: r.computed_at as Date,
    score: Number(r.score),
    commitScore: num(r.commit_score),
    commitsPerWeek: num(r.commits_per_week),
    mergeRate: num(r.merge_rate),
    responseScore: num(r.response_score),
    medianResponseHours: num(r.median_response_hours),
  }));
}

export interface ResponseFigures {
  /** issues opened in the window by authors of this kind */
  opened: number;
  responded: number;
  /** still without a maintainer's comment or label */
  waiting: number;
  medianHours: number | null;
}

/**
 * Time from an issue's opening to the first comment or label by a maintainer other than its
 * author, over issues opened since `since`: for newcomers (NEWCOMER_ASSOCIATIONS) and for every
 * author who is not a maintainer. Bots are left out.
 */
export async function getResponseTimes(knex: Knex, repositoryId: number, since: Date): Promise<{ newcomers: ResponseFigures; everyone: ResponseFigures }> {
  const hours = "extract(epoch from (first_maintainer_response_at - github_created_at)) / 3600";
  const newcomer = "author_association = any(?::text[])";
  const { rows } = await knex.raw(
    `select
       count(*) filter (where ${newcomer}) as newcomer_opened,
       count(first_maintainer_response_at) filter (where ${newcomer}) as newcomer_responded,
       count(*) filter (where ${newcomer} and first_maintainer_response_at is null and state = 'open') as newcomer_waiting,
       percentile_cont(0.5) within group (order by ${hours}) filter (where ${newcomer} and first_maintainer_response_at is not null) as newcomer_median,
       count(*) as all_opened,
       count(first_maintainer_response_at) as all_responded,
       count(*) filter (where first_maintainer_response_at is null and state = 'open') as all_waiting,
       percentile_cont(0.5) within group (order by ${hours}) filter (where first_maintainer_response_at is not null) as all_median
     from issues
     where repository_id = ? and deleted_at is null and github_created_at >= ?
       and (author_association is null or author_association <> all(?::text[]))
       and (author_login is null or author_login not like '%[bot]')`,
    [NEWCOMER_ASSOCIATIONS, NEWCOMER_ASSOCIATIONS, NEWCOMER_ASSOCIATIONS, NEWCOMER_ASSOCIATIONS, repositoryId, since, MAINTAINER_ASSOCIATIONS],
  );
  const r = rows[0] as Record<string, unknown>;
  const figures = (prefix: string): ResponseFigures => ({
    opened: Number(r[`${prefix}_opened`]),
    responded: Number(r[`${prefix}_responded`]),
    waiting: Number(r[`${prefix}_waiting`]),
    medianHours: round(num(r[`${prefix}_median`])),
  });
  return { newcomers: figures("newcomer"), everyone: figures("all") };
}

export interface SupplyIssue {
  number: number;
  title: string;
  labels: string[];
  difficulty: string | null;
  smallness: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface IssueSupply {
  /** open issues: taken (assignee, active claim or linked pull request), else not ready, else free */
  open: { total: number; taken: number; notReady: number; free: number };
  newcomerReady: { count: number; issues: SupplyIssue[] };
  /** free, ready, estimated beginner-sized, and without a newcomer label: worth labelling */
  candidates: { count: number; issues: SupplyIssue[] };
}

/** The newcomer-ready supply, computed in one pass over the repository's open issues. */
export async function getIssueSupply(knex: Knex, repositoryId: number, limit: number): Promise<IssueSupply> {
  const base = `
    with open_issues as (
      select i.id, i.number, i.title, i.labels, i.github_created_at, i.github_updated_at,
             f.difficulty, f.smallness, coalesce(f.not_ready, false) as not_ready,
             exists (select 1 from issue_signals s where s.issue_id = i.id and s.active and s.kind <> 'release') as taken,
             exists (select 1 from unnest(i.labels) l where l ~* :pattern) as newcomer_label
      from issues i left join issue_features f on f.issue_id = i.id
      where i.repository_id = :repositoryId and i.state = 'open' and i.deleted_at is null
    )`;
  const bindings = { pattern: NEWCOMER_LABEL_PATTERN, repositoryId, limit };
  const { rows: countRows } = await knex.raw(
    `${base}
     select count(*) as total,
            count(*) filter (where taken) as taken,
            count(*) filter (where not taken and not_ready) as not_ready,
            count(*) filter (where not taken and not not_ready) as free,
            count(*) filter (where not taken and not not_ready and newcomer_label) as newcomer_ready,
            count(*) filter (where not taken and not not_ready and not newcomer_label and difficulty = 'beginner') as candidates
     from open_issues`,
    bindings,
  );
  const { rows: listRows } = await knex.raw(
    `${base}
     (select 'ready' as list, * from open_issues where not taken and not not_ready and newcomer_label
        order by github_updated_at desc limit :limit)
     union all
     (select 'candidate' as list, * from open_issues where not taken and not not_ready and not newcomer_label and difficulty = 'beginner'
        order by smallness desc nulls last, github_updated_at desc limit :limit)`,
    bindings,
  );
  const c = countRows[0] as Record<string, unknown>;
  const toIssue = (r: Record<string, unknown>): SupplyIssue => ({
    number: Number(r.number),
    title: r.title as string,
    labels: r.labels as string[],
    difficulty: (r.difficulty as string | null) ?? null,
    smallness: num(r.smallness),
    createdAt: r.github_created_at as Date,
    updatedAt: r.github_updated_at as Date,
  });
  const rows = listRows as Array<Record<string, unknown>>;
  return {
    open: { total: Number(c.total), taken: Number(c.taken), notReady: Number(c.not_ready), free: Number(c.free) },
    newcomerReady: { count: Number(c.newcomer_ready), issues: rows.filter((r) => r.list === "ready").map(toIssue) },
    candidates: { count: Number(c.candidates), issues: rows.filter((r) => r.list === "candidate").map(toIssue) },
  };
}

export interface BotCommentStatus {
  posted: number;
  /** comments a maintainer deleted: the bot never comments on those issues again */
  deletedByMaintainers: number;
  last: { issueNumber: number; postedAt: Date } | null;
  /** whether the installation granted the write access to issues that commenting needs */
  canComment: boolean;
}

export async function getBotCommentStatus(knex: Knex, repositoryId: number, installationId: number): Promise<BotCommentStatus> {
  const { rows } = await knex.raw(
    `select count(*) filter (where b.comment_id is not null and b.deleted_at is null) as posted,
            count(*) filter (where b.deleted_at is not null) as deleted,
            (array_agg(i.number order by b.posted_at desc) filter (where b.comment_id is not null and b.deleted_at is null))[1] as last_number,
            max(b.posted_at) filter (where b.comment_id is not null and b.deleted_at is null) as last_posted_at,
            (select permissions->>'issues' from installations where id = ?) as issues_permission
     from bot_comments b join issues i on i.id = b.issue_id
     where i.repository_id = ?`,
    [installationId, repositoryId],
  );
  const r = rows[0] as Record<string, unknown>;
  return {
    posted: Number(r.posted),
    deletedByMaintainers: Number(r.deleted),
    last: r.last_number === null ? null : { issueNumber: Number(r.last_number), postedAt: r.last_posted_at as Date },
    canComment: r.issues_permission === "write",
  };
}

export async function countReports(knex: Knex, repositoryId: number): Promise<{ open: number; resolved: number }> {
  const [row] = await knex("deep_dive_reports")
    .where({ repository_id: repositoryId })
    .select(knex.raw("count(*) filter (where resolved_at is null) as open"), knex.raw("count(*) filter (where resolved_at is not null) as resolved"));
  return { open: Number(row?.open ?? 0), resolved: Number(row?.resolved ?? 0) };
}
