import type { Knex } from "knex";

/** Where the crawler is in a repository's issues (see crawl_cursors in migrations/002). */
export async function saveCrawlCursor(
  knex: Knex,
  repositoryId: number,
  changes: Partial<{
    lastUpdatedAt: Date | null;
    endCursor: string | null;
    status: "idle" | "running" | "failed" | "rate_limited";
    lastRunAt: Date;
    nextRunAt: Date | null;
    cost: number;
    error: string | null;
  }>,
): Promise<void> {
  const columns: Record<string, unknown> = {};
  if (changes.lastUpdatedAt !== undefined) columns.last_updated_at = changes.lastUpdatedAt;
  if (changes.endCursor !== undefined) columns.end_cursor = changes.endCursor;
  if (changes.status) columns.status = changes.status;
  if (changes.lastRunAt) columns.last_run_at = changes.lastRunAt;
  if (changes.nextRunAt !== undefined) columns.next_run_at = changes.nextRunAt;
  if (changes.cost !== undefined) columns.last_cost = changes.cost;
  if (changes.error !== undefined) columns.error = changes.error;
  if (changes.status === "failed") columns.failures = knex.raw("crawl_cursors.failures + 1");
  if (changes.status === "idle") columns.failures = 0;
  await knex("crawl_cursors")
    .insert({ repository_id: repositoryId, ...columns, failures: changes.status === "failed" ? 1 : 0 })
    .onConflict("repository_id")
    .merge(columns);
}

export async function getCrawlCursor(
  knex: Knex,
  repositoryId: number,
): Promise<{ lastUpdatedAt: Date | null; endCursor: string | null; status: string; lastRunAt: Date | null; nextRunAt: Date | null; error: string | null } | null> {
  const row = await knex("crawl_cursors").where({ repository_id: repositoryId }).first();
  if (!row) return null;
  return {
    lastUpdatedAt: row.last_updated_at,
    endCursor: row.end_cursor,
    status: row.status,
    lastRunAt: row.last_run_at,
    nextRunAt: row.next_run_at,
    error: row.error,
  };
}

export async function saveRepositoryActivity(
  knex: Knex,
  repositoryId: number,
  activity: { windowDays: number; commits: number; merged: number; closedUnmerged: number; observedAt: Date },
): Promise<void> {
  const columns = {
    window_days: activity.windowDays,
    commits: activity.commits,
    merged_pull_requests: activity.merged,
    closed_unmerged_pull_requests: activity.closedUnmerged,
    observed_at: activity.observedAt,
  };
  await knex("repository_activity").insert({ repository_id: repositoryId, ...columns }).onConflict("repository_id").merge(Object.keys(columns));
}
