import type { Knex } from "knex";
import type { RepositorySnapshot } from "../snapshots/snapshot-types.js";

export interface Repository {
  id: number;
  nodeId: string | null;
  installationId: number | null;
  owner: string;
  name: string;
  fullName: string;
  description: string | null;
  homepage: string | null;
  defaultBranch: string;
  language: string | null;
  topics: string[];
  license: string | null;
  stars: number;
  forks: number;
  openIssuesCount: number;
  isArchived: boolean;
  isPrivate: boolean;
  isFork: boolean;
  trackedVia: "installation" | "crawler";
  pushedAt: Date | null;
  githubUpdatedAt: Date | null;
  deletedAt: Date | null;
}

interface RepositoryRow {
  id: number;
  node_id: string | null;
  installation_id: number | null;
  owner: string;
  name: string;
  full_name: string;
  description: string | null;
  homepage: string | null;
  default_branch: string;
  language: string | null;
  topics: string[];
  license: string | null;
  stars: number;
  forks: number;
  open_issues_count: number;
  is_archived: boolean;
  is_private: boolean;
  is_fork: boolean;
  tracked_via: "installation" | "crawler";
  pushed_at: Date | null;
  github_updated_at: Date | null;
  deleted_at: Date | null;
}

const toRepository = (row: RepositoryRow): Repository => ({
  id: Number(row.id),
  nodeId: row.node_id,
  installationId: row.installation_id === null ? null : Number(row.installation_id),
  owner: row.owner,
  name: row.name,
  fullName: row.full_name,
  description: row.description,
  homepage: row.homepage,
  defaultBranch: row.default_branch,
  language: row.language,
  topics: row.topics ?? [],
  license: row.license,
  stars: row.stars,
  forks: row.forks,
  openIssuesCount: row.open_issues_count,
  isArchived: row.is_archived,
  isPrivate: row.is_private,
  isFork: row.is_fork,
  trackedVia: row.tracked_via,
  pushedAt: row.pushed_at,
  githubUpdatedAt: row.github_updated_at,
  deletedAt: row.deleted_at,
});

/** Only the fields the snapshot knows, as columns. */
function knownColumns(snapshot: RepositorySnapshot): Record<string, unknown> {
  const columns: Record<string, unknown> = { owner: snapshot.owner, name: snapshot.name, full_name: snapshot.fullName };
  const map: Array<[keyof RepositorySnapshot, string]> = [
    ["nodeId", "node_id"],
    ["description", "description"],
    ["homepage", "homepage"],
    ["defaultBranch", "default_branch"],
    ["language", "language"],
    ["topics", "topics"],
    ["license", "license"],
    ["stars", "stars"],
    ["forks", "forks"],
    ["openIssuesCount", "open_issues_count"],
    ["isArchived", "is_archived"],
    ["isPrivate", "is_private"],
    ["isFork", "is_fork"],
    ["pushedAt", "pushed_at"],
    ["createdAt", "github_created_at"],
    ["updatedAt", "github_updated_at"],
  ];
  for (const [key, column] of map) if (snapshot[key] !== undefined) columns[column] = snapshot[key];
  return columns;
}

/**
 * Creates the repository or refreshes it, never letting an older snapshot overwrite a newer one.
 * A snapshot without `updatedAt` (the short form in installation events) only creates a missing
 * row. Tracking (installation or crawler) is set on creation only; see linkRepositories.
 */
export async function upsertRepository(
  trx: Knex,
  snapshot: RepositorySnapshot,
  creation: { installationId: number | null; trackedVia: "installation" | "crawler"; onlyIfInstallationLive?: boolean },
): Promise<StoredRepositoryName | null> {
  const columns = knownColumns(snapshot);
  const insert = trx("repositories").insert({
    id: snapshot.id,
    ...columns,
    // A repository first heard of in a delivery belongs to its installation only if we know it live.
    installation_id:
      creation.onlyIfInstallationLive && creation.installationId !== null
        ? trx.raw("(select id from installations where id = ? and deleted_at is null)", [creation.installationId])
        : creation.installationId,
    tracked_via: creation.trackedVia,
  });
  const stored = ["id", "full_name", "default_branch"];
  const rows: StoredRepositoryName[] = !snapshot.updatedAt
    ? await insert.onConflict("id").ignore().returning(stored)
    : await insert
        .onConflict("id")
        .merge(Object.keys(columns))
        .where((q) => q.whereNull("repositories.github_updated_at").orWhere("repositories.github_updated_at", "<=", snapshot.updatedAt!))
        .returning(stored);
  return rows[0] ? { id: Number(rows[0].id), full_name: rows[0].full_name, default_branch: rows[0].default_branch } : null;
}

/** What a delivery needs to know of the stored repository: its current name and default branch. */
export interface StoredRepositoryName {
  id: number;
  full_name: string;
  default_branch: string;
}

/** The installation now covers these repositories: webhooks keep them fresh. */
export async function linkRepositories(trx: Knex, installationId: number, repositoryIds: number[]): Promise<void> {
  if (repositoryIds.length === 0) return;
  await trx("repositories").whereIn("id", repositoryIds).update({ installation_id: installationId, tracked_via: "installation" });
}

/** Uninstalled or removed from the installation: the crawler keeps them fresh if they are tracked. */
export async function unlinkRepositories(trx: Knex, installationId: number, repositoryIds?: number[]): Promise<number[]> {
  const query = trx("repositories").where({ installation_id: installationId });
  if (repositoryIds) query.whereIn("id", repositoryIds);
  const rows: Array<{ id: number }> = await query.update({ installation_id: null, tracked_via: "crawler" }).returning("id");
  return rows.map((r) => Number(r.id));
}

export async function markRepositoryDeleted(trx: Knex, repositoryId: number, at: Date): Promise<void> {
  await trx("repositories").where({ id: repositoryId }).whereNull("deleted_at").update({ deleted_at: at });
}

export async function getRepository(knex: Knex, repositoryId: number): Promise<Repository | null> {
  const row: RepositoryRow | undefined = await knex("repositories").where({ id: repositoryId }).first();
  return row ? toRepository(row) : null;
}

/** The live repository of that name (a deleted one only when no live one has it). */
export async function getRepositoryByFullName(knex: Knex, fullName: string): Promise<Repository | null> {
  const row: RepositoryRow | undefined = await knex("repositories")
    .whereRaw("lower(full_name) = lower(?)", [fullName])
    .orderByRaw("deleted_at is not null, github_updated_at desc nulls last")
    .first();
  return row ? toRepository(row) : null;
}

/** Row ids and names of the repositories an installation covers. */
export async function listInstallationRepositories(knex: Knex, installationId: number): Promise<Repository[]> {
  const rows: RepositoryRow[] = await knex("repositories").where({ installation_id: installationId }).whereNull("deleted_at");
  return rows.map(toRepository);
}
