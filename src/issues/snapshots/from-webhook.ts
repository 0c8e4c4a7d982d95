import { parseClosingReferences } from "../signals/parse-closing-references.js";
import { asNumber, asRecord, asString, isBotAccount, toDate } from "./github-values.js";
import type { CommentSnapshot, IssueSnapshot, PullRequestSnapshot, RepositorySnapshot } from "./snapshot-types.js";

// Mappers from webhook payload objects. Each returns null when a field the index cannot do without
// is missing, so a malformed delivery is logged and skipped instead of crashing a worker.

const has = (object: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(object, key);

export function toRepositorySnapshot(value: unknown): RepositorySnapshot | null {
  const repo = asRecord(value);
  const id = asNumber(repo?.id);
  const fullName = asString(repo?.full_name);
  if (!repo || id === null || !fullName || !/^[^/\s]+\/[^/\s]+$/.test(fullName)) return null;
  const [owner, name] = fullName.split("/") as [string, string];
  const snapshot: RepositorySnapshot = { id, owner, name, fullName };
  if (has(repo, "node_id")) snapshot.nodeId = asString(repo.node_id);
  if (has(repo, "description")) snapshot.description = asString(repo.description);
  if (has(repo, "homepage")) snapshot.homepage = asString(repo.homepage) || null;
  if (asString(repo.default_branch)) snapshot.defaultBranch = asString(repo.default_branch)!;
  if (has(repo, "language")) snapshot.language = asString(repo.language);
  if (Array.isArray(repo.topics)) snapshot.topics = repo.topics.filter((t): t is string => typeof t === "string");
  if (has(repo, "license")) snapshot.license = asString(asRecord(repo.license)?.spdx_id) ?? asString(asRecord(repo.license)?.key);
  if (asNumber(repo.stargazers_count) !== null) snapshot.stars = asNumber(repo.stargazers_count)!;
  if (asNumber(repo.forks_count) !== null) snapshot.forks = asNumber(repo.forks_count)!;
  if (asNumber(repo.open_issues_count) !== null) snapshot.openIssuesCount = asNumber(repo.open_issues_count)!;
  if (typeof repo.archived === "boolean") snapshot.isArchived = repo.archived;
  if (typeof repo.private === "boolean") snapshot.isPrivate = repo.private;
  if (typeof repo.fork === "boolean") snapshot.isFork = repo.fork;
  if (has(repo, "pushed_at")) snapshot.pushedAt = toDate(repo.pushed_at);
  if (has(repo, "created_at")) snapshot.createdAt = toDate(repo.created_at);
  if (has(repo, "updated_at")) snapshot.updatedAt = toDate(repo.updated_at);
  return snapshot;
}

/** A pull request travels as an "issue" in issues and issue_comment events; it is not an issue in the feed. */
export const isPullRequestIssue = (issue: unknown): boolean => Boolean(asRecord(issue)?.pull_request);

export function toIssueSnapshot(value: unknown, repositoryId: number): IssueSnapshot | null {
  const issue = asRecord(value);
  const id = asNumber(issue?.id);
  const number = asNumber(issue?.number);
  const title = asString(issue?.title);
  const createdAt = toDate(issue?.created_at);
  const updatedAt = toDate(issue?.updated_at);
  const state = asString(issue?.state);
  if (!issue || id === null || number === null || number <= 0 || title === null || !createdAt || !updatedAt) return null;
  if (state !== "open" && state !== "closed") return null;
  const user = asRecord(issue.user);
  const assignees = Array.isArray(issue.assignees) ? issue.assignees : has(issue, "assignee") ? [issue.assignee].filter(Boolean) : null;
  return {
    id,
    nodeId: asString(issue.node_id),
    repositoryId,
    number,
    title,
    body: asString(issue.body),
    state,
    stateReason: asString(issue.state_reason),
    labels: Array.isArray(issue.labels) ? unique(issue.labels.map((label) => asString(label) ?? asString(asRecord(label)?.name))) : null,
    authorLogin: asString(user?.login),
    authorAssociation: asString(issue.author_association),
    authorIsBot: isBotAccount(user),
    assignees: assignees && unique(assignees.map((assignee) => asString(asRecord(assignee)?.login))),
    commentsCount: Math.max(0, asNumber(issue.comments) ?? 0),
    isLocked: issue.locked === true,
    milestone: asString(asRecord(issue.milestone)?.title),
    createdAt,
    updatedAt,
    closedAt: toDate(issue.closed_at),
  };
}

export function toCommentSnapshot(value: unknown, issueId: number): CommentSnapshot | null {
  const comment = asRecord(value);
  const id = asNumber(comment?.id);
  const user = asRecord(comment?.user);
  const login = asString(user?.login);
  const createdAt = toDate(comment?.created_at);
  if (!comment || id === null || !login || !createdAt) return null;
  return {
    id,
    issueId,
    authorLogin: login,
    authorAssociation: asString(comment.author_association),
    authorIsBot: isBotAccount(user),
    body: asString(comment.body) ?? "",
    createdAt,
    updatedAt: toDate(comment.updated_at) ?? createdAt,
  };
}

export function toPullRequestSnapshot(
  value: unknown,
  repository: { id: number; fullName: string },
  webUrl: string,
): PullRequestSnapshot | null {
  const pr = asRecord(value);
  const githubId = asNumber(pr?.id);
  const number = asNumber(pr?.number);
  const createdAt = toDate(pr?.created_at);
  const updatedAt = toDate(pr?.updated_at);
  const state = asString(pr?.state);
  if (!pr || githubId === null || number === null || number <= 0 || !createdAt || !updatedAt) return null;
  if (state !== "open" && state !== "closed") return null;
  const user = asRecord(pr.user);
  const mergedAt = toDate(pr.merged_at);
  const title = asString(pr.title) ?? "";
  return {
    githubId,
    nodeId: asString(pr.node_id),
    repositoryId: repository.id,
    repoFullName: repository.fullName,
    number,
    title,
    authorLogin: asString(user?.login),
    authorGithubId: asNumber(user?.id),
    authorAssociation: asString(pr.author_association),
    authorIsBot: isBotAccount(user),
    state,
    isDraft: pr.draft === true,
    merged: mergedAt !== null,
    mergedAt,
    closedAt: toDate(pr.closed_at),
    createdAt,
    updatedAt,
    closingRefs: parseClosingReferences(`${title}\n${asString(pr.body) ?? ""}`, { repoFullName: repository.fullName, webUrl }),
  };
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))];
}
