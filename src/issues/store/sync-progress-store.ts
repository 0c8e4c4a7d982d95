import type { Knex } from "knex";

export type SyncPhase = "open_issues" | "closed_issues" | "pull_requests" | "commits" | "health";
export type SyncStatus = "queued" | "running" | "done" | "failed" | "rate_limited";

export interface SyncProgress {
  repositoryId: number;
  status: SyncStatus;
  phase: SyncPhase | null;
  cursor: string | null;
  issuesSynced: number;
  pullRequestsSynced: number;
  commitsSynced: number;
  requests: number;
  points: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  updatedAt: Date;
}

const toProgress = (row: Record<string, unknown>): SyncProgress => ({
  repositoryId: Number(row.repository_id),
  status: row.status as SyncStatus,
  phase: (row.phase as SyncPhase | null) ?? null,
  cursor: (row.cursor as string | null) ?? null,
  issuesSynced: Number(row.issues_synced),
  pullRequestsSynced: Number(row.pull_requests_synced),
  commitsSynced: Number(row.commits_synced),
  requests: Number(row.requests),
  points: Number(row.points),
  startedAt: (row.started_at as Date | null) ?? null,
  finishedAt: (row.finished_at as Date | null) ?? null,
  error: (row.error as string | null) ?? null,
  updatedAt: row.updated_at as Date,
});

/** A backfill is due: a finished or failed one starts over, a running one is left alone. */
export async function queueSync(trx: Knex, repositoryId: number): Promise<void> {
  await trx("repository_syncs")
    .insert({ repository_id: repositoryId, status: "queued" })
    .onConflict("repository_id")
    .merge({ status: "queued", phase: null, cursor: null, error: null, finished_at: null })
    .whereNot("repository_syncs.status", "running");
}

export async function getSyncProgress(knex: Knex, repositoryId: number): Promise<SyncProgress | null> {
  const row = await knex("repository_syncs").where({ repository_id: repositoryId }).first();
  return row ? toProgress(row) : null;
}

export async function listSyncProgress(knex: Knex, options: { statuses?: SyncStatus[]; limit?: number } = {}): Promise<SyncProgress[]> {
  const rows = await knex("repository_syncs")
    .modify((q) => {
      if (options.statuses?.length) q.whereIn("status", options.statuses);
    })
    .orderBy("updated_at", "desc")
    .limit(options.limit ?? 100);
  return rows.map(toProgress);
}

export async function updateSyncProgress(
  knex: Knex,
  repositoryId: number,
  changes: Partial<{
    status: SyncStatus;
    phase: SyncPhase | null;
    cursor: string | null;
    error: string | null;
    startedAt: Date;
    finishedAt: Date | null;
  }>,
  add: Partial<{ issues: number; pullRequests: number; commits: number; requests: number; points: number }> = {},
): Promise<void> {
  const columns: Record<string, unknown> = {};
  if (changes.status !== undefined) columns.status = changes.status;
  if (changes.phase !== undefined) columns.phase = changes.phase;
  if (changes.cursor !== undefined) columns.cursor = changes.cursor;
  if (changes.error !== undefined) columns.error = changes.error?.slice(0, 2000) ?? null;
  if (changes.startedAt !== undefined) columns.started_at = changes.startedAt;
  if (changes.finishedAt !== undefined) columns.finished_at = changes.finishedAt;
  const counters: Array<[number | undefined, string]> = [
    [add.issues, "issues_synced"],
    [add.pullRequests, "pull_requests_synced"],
    [add.commits, "commits_synced"],
    [add.requests, "requests"],
    [add.points, "points"],
  ];
  for (const [value, column] of counters) if (value) columns[column] = knex.raw("?? + ?", [column, value]);
  await knex("repository_syncs")
    .insert({ repository_id: repositoryId, status: changes.status ?? "queued" })
    .onConflict("repository_id")
    .ignore();
  if (Object.keys(columns).length > 0) await knex("repository_syncs").where({ repository_id: repositoryId }).update(columns);
}
