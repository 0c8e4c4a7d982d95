import type { Knex } from "knex";
import type { GuidanceIssue, GuidanceIssueHeader, IssueSource, RepositorySummary, SimilarIssue } from "../guidance/issue-source.js";
import { getIssueAvailability, getIssue, getIssueByNumber, getRepository, getRepositoryByFullName, type Repository } from "./issues-service.js";

// The issues domain's answer to what guidance needs (src/guidance/issue-source.ts): its service
// functions, plus the few reads guidance needs that they do not cover yet.

const toSummary = (r: Repository): RepositorySummary => ({ id: r.id, fullName: r.fullName, installationId: r.installationId, isPrivate: r.isPrivate });

export async function getIssueForGuidance(knex: Knex, issueId: number): Promise<GuidanceIssue | null> {
  const issue = await getIssue(knex, issueId);
  if (!issue || issue.deletedAt) return null;
  const repository = await getRepository(knex, issue.repositoryId);
  if (!repository || repository.deletedAt) return null;
  const [availability, languages] = [await getIssueAvailability(knex, issueId), await getRepositoryLanguages(knex, repository.id)];
  const taken = availability?.takenBy ?? [];
  return {
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    labels: issue.labels,
    state: issue.state,
    locked: issue.isLocked,
    authorLogin: issue.authorLogin,
    commentsCount: issue.commentsCount,
    githubUpdatedAt: issue.githubUpdatedAt,
    repository: {
      id: repository.id,
      owner: repository.owner,
      name: repository.name,
      fullName: repository.fullName,
      installationId: repository.installationId,
      defaultBranch: repository.defaultBranch,
      description: repository.description,
      isPrivate: repository.isPrivate,
      languages,
    },
    availability: {
      assignees: [...new Set([...issue.assignees, ...taken.filter((t) => t.kind === "assignee").map((t) => t.login)])],
      claims: taken.filter((t) => t.kind === "claim").map((t) => ({ login: t.login, at: t.since })),
      linkedPullRequests: taken.flatMap((t) => (t.kind === "linked_pr" && t.prNumber !== null ? [t.prNumber] : [])),
    },
  };
}

/** The read path of a cached deep dive asks this on every request: one indexed join. */
export async function getIssueHeader(knex: Knex, issueId: number): Promise<GuidanceIssueHeader | null> {
  const row = await knex("issues as i")
    .join("repositories as r", "r.id", "i.repository_id")
    .where("i.id", issueId)
    .whereNull("i.deleted_at")
    .whereNull("r.deleted_at")
    .first("i.id", "i.number", "i.title", "i.body", "i.labels", "i.state", "i.comments_count", "r.id as repository_id", "r.full_name", "r.installation_id", "r.is_private");
  if (!row) return null;
  return {
    id: Number(row.id),
    number: row.number,
    title: row.title,
    body: row.body,
    labels: row.labels,
    state: row.state,
    commentsCount: row.comments_count,
    repository: { id: Number(row.repository_id), fullName: row.full_name, installationId: row.installation_id === null ? null : Number(row.installation_id), isPrivate: row.is_private },
  };
}

async function getRepositoryLanguages(knex: Knex, repositoryId: number): Promise<Record<string, number>> {
  const row: { languages: Record<string, number> | string } | undefined = await knex("repositories").where({ id: repositoryId }).first("languages");
  if (!row) return {};
  return typeof row.languages === "string" ? JSON.parse(row.languages) : row.languages;
}

/** Closed issues of the same repository whose titles look alike (trigram similarity). */
export async function listSimilarClosedIssues(knex: Knex, issueId: number, limit: number): Promise<SimilarIssue[]> {
  const rows: Array<{ number: number; title: string; closed_at: Date | null }> = await knex("issues as other")
    .join("issues as this", "this.repository_id", "other.repository_id")
    .where("this.id", issueId)
    .whereNot("other.id", issueId)
    .where("other.state", "closed")
    .whereNull("other.deleted_at")
    .whereRaw("similarity(other.title, this.title) > 0.2")
    .orderByRaw("similarity(other.title, this.title) desc, other.closed_at desc nulls last")
    .limit(limit)
    .select("other.number", "other.title", "other.closed_at");
  return rows.map((r) => ({ number: r.number, title: r.title, closedAt: r.closed_at ? new Date(r.closed_at) : null }));
}

/**
 * Median hours from someone outside the team opening an issue to a maintainer's first response,
 * over the last year; null with fewer than three answered issues to go on.
 */
export async function getNewcomerResponseHours(knex: Knex, repositoryId: number): Promise<number | null> {
  const row = await knex("issues")
    .where("repository_id", repositoryId)
    .whereNull("deleted_at")
    .where((w) => w.whereNull("author_association").orWhereNotIn("author_association", ["OWNER", "MEMBER", "COLLABORATOR"]))
    .whereRaw("coalesce(author_login, '') not like '%[bot]'")
    .whereNotNull("first_maintainer_response_at")
    .whereRaw("github_created_at > now() - interval '365 days'")
    .first(
      knex.raw("count(*) as n"),
      knex.raw("percentile_cont(0.5) within group (order by extract(epoch from first_maintainer_response_at - github_created_at)) as median"),
    );
  const samples = Number(row?.n ?? 0);
  if (samples < 3 || row?.median === null || row?.median === undefined) return null;
  return Math.round((Math.max(0, Number(row.median)) / 3600) * 10) / 10;
}

/** The issues domain's IssueSource, for the guidance domain. */
export function createIssueSourceForGuidance(knex: Knex): IssueSource {
  const live = (r: Repository | null) => (r && !r.deletedAt ? toSummary(r) : null);
  return {
    getIssueForGuidance: (issueId) => getIssueForGuidance(knex, issueId),
    getIssueHeader: (issueId) => getIssueHeader(knex, issueId),
    async findIssueId(owner, repo, number) {
      const issue = await getIssueByNumber(knex, `${owner}/${repo}`, number);
      return issue && !issue.deletedAt ? issue.id : null;
    },
    findRepository: async (owner, repo) => live(await getRepositoryByFullName(knex, `${owner}/${repo}`)),
    getRepository: async (repositoryId) => live(await getRepository(knex, repositoryId)),
    listSimilarClosedIssues: (issueId, limit) => listSimilarClosedIssues(knex, issueId, limit),
    getNewcomerResponseHours: (repositoryId) => getNewcomerResponseHours(knex, repositoryId),
  };
}
