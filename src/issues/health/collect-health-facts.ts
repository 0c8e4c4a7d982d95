import type { Knex } from "knex";
import type { HealthFacts } from "./score-repository-health.js";

export const HEALTH_WINDOW_DAYS = 90;
/** An unanswered item younger than this is not yet a slow response; it is left out. */
export const UNANSWERED_GRACE_HOURS = 48;
const MAINTAINERS = ["OWNER", "MEMBER", "COLLABORATOR"];
/** Activity counted by the crawler older than this is too stale to score on. */
const ACTIVITY_MAX_AGE_DAYS = 7;

const HOUR_MS = 3_600_000;

/**
 * Response hours for items (issues or PRs) opened in the window by someone other than a
 * maintainer or a bot: the time to the first maintainer response, or, still unanswered after the
 * grace period, the time waited so far (a lower bound).
 */
function responseHours(rows: Array<{ created: Date; responded: Date | null }>, now: Date): number[] {
  const hours: number[] = [];
  for (const row of rows) {
    if (row.responded) hours.push(Math.max(0, +row.responded - +row.created) / HOUR_MS);
    else if (+now - +row.created >= UNANSWERED_GRACE_HOURS * HOUR_MS) hours.push((+now - +row.created) / HOUR_MS);
  }
  return hours;
}

/**
 * Facts for the health scorer. Installed repositories are scored from what webhooks and the
 * backfill stored row by row; crawled ones from the activity counts the crawler records.
 */
export async function collectHealthFacts(knex: Knex, repositoryId: number, now: Date): Promise<HealthFacts | null> {
  const repository: { is_archived: boolean; installation_id: number | null } | undefined = await knex("repositories")
    .where({ id: repositoryId })
    .first("is_archived", "installation_id");
  if (!repository) return null;
  const since = new Date(+now - HEALTH_WINDOW_DAYS * 24 * HOUR_MS);
  const base = { windowDays: HEALTH_WINDOW_DAYS, archived: repository.is_archived };

  const activity: { commits: number; merged_pull_requests: number; closed_unmerged_pull_requests: number; observed_at: Date } | undefined =
    repository.installation_id === null
      ? await knex("repository_activity")
          .where({ repository_id: repositoryId })
          .where("observed_at", ">=", new Date(+now - ACTIVITY_MAX_AGE_DAYS * 24 * HOUR_MS))
          .first()
      : undefined;
  if (activity) {
    return {
      ...base,
      commits: activity.commits,
      merged: activity.merged_pull_requests,
      closedUnmerged: activity.closed_unmerged_pull_requests,
      responseHours: null,
    };
  }

  const [commits] = await knex("repository_commits").where({ repository_id: repositoryId }).where("committed_at", ">=", since).count({ n: "*" });
  const humanPulls = () =>
    knex("pull_requests").where({ repository_id: repositoryId, author_is_bot: false }).whereNotNull("github_updated_at");
  const [merged] = await humanPulls().where({ merged: true }).where("merged_at", ">=", since).count({ n: "*" });
  const [closed] = await humanPulls().where({ merged: false, state: "closed" }).where("closed_at", ">=", since).count({ n: "*" });

  const newcomer = (q: Knex.QueryBuilder, authorColumn: string, associationColumn: string) =>
    q
      .where((w) => w.whereNull(associationColumn).orWhereNotIn(associationColumn, MAINTAINERS))
      .where((w) => w.whereNull(authorColumn).orWhereRaw(`${authorColumn} not like '%[bot]'`));
  const issueRows: Array<{ created: Date; responded: Date | null }> = await newcomer(
    knex("issues").where({ repository_id: repositoryId }).whereNull("deleted_at").where("github_created_at", ">=", since),
    "author_login",
    "author_association",
  ).select("github_created_at as created", "first_maintainer_response_at as responded");
  const pullRows: Array<{ created: Date; responded: Date | null }> = await newcomer(
    humanPulls().where("github_created_at", ">=", since),
    "author_login",
    "author_association",
  ).select("github_created_at as created", "first_response_at as responded");

  return {
    ...base,
    commits: Number(commits?.n ?? 0),
    merged: Number(merged?.n ?? 0),
    closedUnmerged: Number(closed?.n ?? 0),
    responseHours: responseHours([...issueRows, ...pullRows], now),
  };
}
