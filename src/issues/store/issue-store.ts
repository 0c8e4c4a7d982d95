import type { Knex } from "knex";
import type { IssueSnapshot } from "../snapshots/snapshot-types.js";

export interface Issue {
  id: number;
  nodeId: string | null;
  repositoryId: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  authorLogin: string | null;
  authorAssociation: string | null;
  assignees: string[];
  commentsCount: number;
  isLocked: boolean;
  milestone: string | null;
  difficulty: string | null;
  githubCreatedAt: Date;
  githubUpdatedAt: Date;
  closedAt: Date | null;
  firstMaintainerResponseAt: Date | null;
  lastMaintainerActivityAt: Date | null;
  deletedAt: Date | null;
}

interface IssueRow {
  id: number;
  node_id: string | null;
  repository_id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  author_login: string | null;
  author_association: string | null;
  assignees: string[];
  comments_count: number;
  is_locked: boolean;
  milestone: string | null;
  difficulty: string | null;
  github_created_at: Date;
  github_updated_at: Date;
  closed_at: Date | null;
  first_maintainer_response_at: Date | null;
  last_maintainer_activity_at: Date | null;
  deleted_at: Date | null;
}

const ISSUE_COLUMNS = [
  "id", "node_id", "repository_id", "number", "title", "body", "state", "state_reason", "labels", "author_login",
  "author_association", "assignees", "comments_count", "is_locked", "milestone", "difficulty", "github_created_at",
  "github_updated_at", "closed_at", "first_maintainer_response_at", "last_maintainer_activity_at", "deleted_at",
].map((column) => `issues.${column}`);

const toIssue = (row: IssueRow): Issue => ({
  id: Number(row.id),
  nodeId: row.node_id,
  repositoryId: Number(row.repository_id),
  number: row.number,
  title: row.title,
  body: row.body,
  state: row.state,
  stateReason: row.state_reason,
  labels: row.labels ?? [],
  authorLogin: row.author_login,
  authorAssociation: row.author_association,
  assignees: row.assignees ?? [],
  commentsCount: row.comments_count,
  isLocked: row.is_locked,
  milestone: row.milestone,
  difficulty: row.difficulty,
  githubCreatedAt: row.github_created_at,
  githubUpdatedAt: row.github_updated_at,
  closedAt: row.closed_at,
  firstMaintainerResponseAt: row.first_maintainer_response_at,
  lastMaintainerActivityAt: row.last_maintainer_activity_at,
  deletedAt: row.deleted_at,
});

export interface UpsertOutcome {
  /** the snapshot was newer than (or as new as) what was stored, and is stored now */
  applied: boolean;
  /** the issue was not in the index before */
  inserted: boolean;
}

/**
 * Stores the issue unless the stored one is newer: `updated_at` decides, so deliveries arriving
 * out of order never overwrite newer state. Equal timestamps apply (a replay changes nothing).
 */
export async function upsertIssue(trx: Knex, snapshot: IssueSnapshot): Promise<UpsertOutcome> {
  const columns: Record<string, unknown> = {
    node_id: snapshot.nodeId,
    repository_id: snapshot.repositoryId,
    number: snapshot.number,
    title: snapshot.title,
    body: snapshot.body,
    state: snapshot.state,
    state_reason: snapshot.stateReason,
    author_login: snapshot.authorLogin,
    author_association: snapshot.authorAssociation,
    comments_count: snapshot.commentsCount,
    is_locked: snapshot.isLocked,
    milestone: snapshot.milestone,
    github_created_at: snapshot.createdAt,
    github_updated_at: snapshot.updatedAt,
    closed_at: snapshot.closedAt,
  };
  if (snapshot.labels) columns.labels = snapshot.labels;
  if (snapshot.assignees) columns.assignees = snapshot.assignees;
  const rows: Array<{ inserted: boolean }> = await trx("issues")
    .insert({ id: snapshot.id, ...columns })
    .onConflict("id")
    .merge(Object.keys(columns))
    .where("issues.github_updated_at", "<=", snapshot.updatedAt)
    .returning(trx.raw("(xmax = 0) as inserted"));
  return { applied: rows.length > 0, inserted: rows[0]?.inserted === true };
}

/** Takes the issue's row lock so concurrent deliveries for one issue recompute its signals one at a time. */
export async function lockIssue(trx: Knex, issueId: number): Promise<Issue | null> {
  const row: IssueRow | undefined = await trx("issues").where({ id: issueId }).forUpdate().first(ISSUE_COLUMNS);
  return row ? toIssue(row) : null;
}

export async function markIssueDeleted(trx: Knex, issueId: number, at: Date): Promise<void> {
  await trx("issues").where({ id: issueId }).whereNull("deleted_at").update({ deleted_at: at });
}

/** The earliest maintainer response and the latest maintainer activity, whatever order they arrive in. */
export async function recordMaintainerActivity(trx: Knex, issueId: number, at: Date, options: { response: boolean }): Promise<void> {
  await trx("issues")
    .where({ id: issueId })
    .update({
      last_maintainer_activity_at: trx.raw("greatest(last_maintainer_activity_at, ?::timestamptz)", [at]),
      ...(options.response
        ? { first_maintainer_response_at: trx.raw("least(first_maintainer_response_at, ?::timestamptz)", [at]) }
        : {}),
    });
}

/** A label renamed in the repository: issue rows carry names, so rename them in place. */
export async function renameLabel(trx: Knex, repositoryId: number, from: string, to: string): Promise<void> {
  await trx("issues")
    .where({ repository_id: repositoryId })
    .whereRaw("? = any(labels)", [from])
    .update({ labels: trx.raw("array_replace(labels, ?::text, ?::text)", [from, to]) });
}

export async function removeLabel(trx: Knex, repositoryId: number, name: string): Promise<void> {
  await trx("issues")
    .where({ repository_id: repositoryId })
    .whereRaw("? = any(labels)", [name])
    .update({ labels: trx.raw("array_remove(labels, ?::text)", [name]) });
}

export async function getIssue(knex: Knex, issueId: number): Promise<Issue | null> {
  const row: IssueRow | undefined = await knex("issues").where({ id: issueId }).first(ISSUE_COLUMNS);
  return row ? toIssue(row) : null;
}

/** By repository name (case-insensitive, following the live repository of that name) and number. */
export async function getIssueByNumber(knex: Knex, fullName: string, number: number): Promise<Issue | null> {
  const row: IssueRow | undefined = await knex("issues")
    .join("repositories", "repositories.id", "issues.repository_id")
    .whereRaw("lower(repositories.full_name) = lower(?)", [fullName])
    .where("issues.number", number)
    .orderByRaw("repositories.deleted_at is not null, issues.deleted_at is not null")
    .first(ISSUE_COLUMNS);
  return row ? toIssue(row) : null;
}

/** Issue ids by number within one repository, for resolving references. */
export async function findIssueIds(trx: Knex, refs: Array<{ repo: string; number: number }>): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (refs.length === 0) return found;
  const rows: Array<{ id: number; number: number; full_name: string }> = await trx("issues")
    .join("repositories", "repositories.id", "issues.repository_id")
    .whereNull("repositories.deleted_at")
    .where((q) => {
      for (const ref of refs) q.orWhere((one) => one.whereRaw("lower(repositories.full_name) = ?", [ref.repo]).andWhere("issues.number", ref.number));
    })
    .select("issues.id", "issues.number", "repositories.full_name");
  for (const row of rows) found.set(`${row.full_name.toLowerCase()}#${row.number}`, Number(row.id));
  return found;
}
