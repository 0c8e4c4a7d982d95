import type { Knex } from "knex";

export type TrackedStatus = "pending" | "active" | "vanished" | "archived" | "failed";

export interface TrackedRepository {
  id: number;
  fullName: string;
  repositoryId: number | null;
  source: "api" | "seed" | "cli";
  status: TrackedStatus;
  error: string | null;
  lastCrawledAt: Date | null;
  createdAt: Date;
}

const toTracked = (row: Record<string, unknown>): TrackedRepository => ({
  id: Number(row.id),
  fullName: row.full_name as string,
  repositoryId: row.repository_id === null ? null : Number(row.repository_id),
  source: row.source as TrackedRepository["source"],
  status: row.status as TrackedStatus,
  error: (row.error as string | null) ?? null,
  lastCrawledAt: (row.last_crawled_at as Date | null) ?? null,
  createdAt: row.created_at as Date,
});

/** Adds the repository to the tracked list once (names compare case-insensitively). Returns the row and whether it is new. */
export async function trackRepository(
  knex: Knex,
  fullName: string,
  source: TrackedRepository["source"],
): Promise<{ tracked: TrackedRepository; created: boolean }> {
  const inserted = await knex.raw<{ rows: Record<string, unknown>[] }>(
    `insert into tracked_repositories (full_name, source) values (?, ?)
     on conflict ((lower(full_name))) do nothing returning *`,
    [fullName, source],
  );
  if (inserted.rows[0]) return { tracked: toTracked(inserted.rows[0]), created: true };
  const existing = await knex("tracked_repositories").whereRaw("lower(full_name) = lower(?)", [fullName]).first();
  return { tracked: toTracked(existing), created: false };
}

export async function untrackRepository(knex: Knex, fullName: string): Promise<boolean> {
  const deleted = await knex("tracked_repositories").whereRaw("lower(full_name) = lower(?)", [fullName]).delete().returning("id");
  return deleted.length > 0;
}

export async function getTrackedRepository(knex: Knex, id: number): Promise<TrackedRepository | null> {
  const row = await knex("tracked_repositories").where({ id }).first();
  return row ? toTracked(row) : null;
}

export async function findTrackedRepository(knex: Knex, fullName: string): Promise<TrackedRepository | null> {
  const row = await knex("tracked_repositories").whereRaw("lower(full_name) = lower(?)", [fullName]).first();
  return row ? toTracked(row) : null;
}

export async function listTrackedRepositories(knex: Knex, options: { limit: number; afterId?: number }): Promise<TrackedRepository[]> {
  const rows = await knex("tracked_repositories")
    .where("id", ">", options.afterId ?? 0)
    .orderBy("id")
    .limit(options.limit);
  return rows.map(toTracked);
}

export interface CrawlCandidate {
  tracked: TrackedRepository;
  nodeId: string | null;
  /** high-water mark of the last complete pass */
  lastUpdatedAt: Date | null;
  /** a pass in progress continues after this cursor */
  endCursor: string | null;
  activityObservedAt: Date | null;
}

/**
 * Tracked repositories the crawler should look at: not vanished, and not installed (an installed
 * repository is kept fresh by webhooks and never crawled).
 */
export async function listCrawlCandidates(knex: Knex, options: { ids?: number[] } = {}): Promise<CrawlCandidate[]> {
  const rows: Array<Record<string, unknown>> = await knex("tracked_repositories as t")
    .leftJoin("repositories as r", "r.id", "t.repository_id")
    .leftJoin("installations as i", "i.id", "r.installation_id")
    .leftJoin("crawl_cursors as c", "c.repository_id", "t.repository_id")
    .leftJoin("repository_activity as a", "a.repository_id", "t.repository_id")
    .whereNot("t.status", "vanished")
    .where((q) => q.whereNull("r.installation_id").orWhereNotNull("i.deleted_at"))
    .modify((q) => {
      if (options.ids) q.whereIn("t.id", options.ids);
    })
    .orderBy("t.id")
    .select("t.*", "r.node_id", "c.last_updated_at", "c.end_cursor", "a.observed_at as activity_observed_at");
  return rows.map((row) => ({
    tracked: toTracked(row),
    nodeId: (row.node_id as string | null) ?? null,
    lastUpdatedAt: (row.last_updated_at as Date | null) ?? null,
    endCursor: (row.end_cursor as string | null) ?? null,
    activityObservedAt: (row.activity_observed_at as Date | null) ?? null,
  }));
}

export async function updateTrackedRepository(
  knex: Knex,
  id: number,
  changes: Partial<{ status: TrackedStatus; repositoryId: number; fullName: string; error: string | null; lastCrawledAt: Date }>,
): Promise<void> {
  const columns: Record<string, unknown> = {};
  if (changes.status) columns.status = changes.status;
  if (changes.repositoryId !== undefined) columns.repository_id = changes.repositoryId;
  if (changes.fullName) columns.full_name = changes.fullName;
  if (changes.error !== undefined) columns.error = changes.error;
  if (changes.lastCrawledAt) columns.last_crawled_at = changes.lastCrawledAt;
  if (Object.keys(columns).length > 0) await knex("tracked_repositories").where({ id }).update(columns);
}

/** The configured seed list, added once; removing a name from the setting does not untrack it. */
export async function seedTrackedRepositories(knex: Knex, fullNames: string[]): Promise<number> {
  let added = 0;
  for (const fullName of fullNames) if ((await trackRepository(knex, fullName, "seed")).created) added += 1;
  return added;
}
