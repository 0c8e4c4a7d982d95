import type { GqlIssue, GqlPullRequest, GqlRepository, GqlTimelineItem } from "../../github/graphql/index-query-types.js";
import { isBotAccount, isMaintainerAssociation, toDate } from "./github-values.js";
import type { CommentSnapshot, IssueSnapshot, PullRequestSnapshot, RepositorySnapshot } from "./snapshot-types.js";

// Mappers from the index's GraphQL answers to the same snapshots webhooks produce.

export function repositoryFromGraphql(repo: GqlRepository): RepositorySnapshot {
  return {
    id: repo.databaseId,
    nodeId: repo.id,
    owner: repo.owner.login,
    name: repo.name,
    fullName: repo.nameWithOwner,
    description: repo.description,
    homepage: repo.homepageUrl || null,
    ...(repo.defaultBranchRef ? { defaultBranch: repo.defaultBranchRef.name } : {}),
    language: repo.primaryLanguage?.name ?? null,
    topics: repo.repositoryTopics.nodes.map((n) => n.topic.name),
    license: repo.licenseInfo?.spdxId ?? null,
    stars: repo.stargazerCount,
    forks: repo.forkCount,
    isArchived: repo.isArchived,
    isPrivate: repo.isPrivate,
    isFork: repo.isFork,
    pushedAt: toDate(repo.pushedAt),
    createdAt: toDate(repo.createdAt),
    updatedAt: toDate(repo.updatedAt),
  };
}

export function issueFromGraphql(node: GqlIssue, repositoryId: number): IssueSnapshot | null {
  const createdAt = toDate(node.createdAt);
  const updatedAt = toDate(node.updatedAt);
  if (node.databaseId === null || !createdAt || !updatedAt) return null;
  return {
    id: node.databaseId,
    nodeId: node.id,
    repositoryId,
    number: node.number,
    title: node.title,
    body: node.body,
    state: node.state === "OPEN" ? "open" : "closed",
    stateReason: node.stateReason?.toLowerCase() ?? null,
    labels: (node.labels?.nodes ?? []).map((l) => l.name),
    authorLogin: node.author?.login ?? null,
    authorAssociation: node.authorAssociation,
    authorIsBot: isBotAccount(node.author),
    assignees: node.assignees.nodes.map((a) => a.login),
    commentsCount: node.comments.totalCount,
    isLocked: node.locked,
    milestone: node.milestone?.title ?? null,
    createdAt,
    updatedAt,
    closedAt: toDate(node.closedAt),
  };
}

export function commentsFromGraphql(node: GqlIssue, issueId: number): CommentSnapshot[] {
  return node.comments.nodes.flatMap((c) => {
    const createdAt = toDate(c.createdAt);
    if (c.databaseId === null || !c.author || !createdAt) return [];
    return [
      {
        id: c.databaseId,
        issueId,
        authorLogin: c.author.login,
        authorAssociation: c.authorAssociation,
        authorIsBot: isBotAccount(c.author),
        body: c.body,
        createdAt,
        updatedAt: toDate(c.updatedAt) ?? createdAt,
      },
    ];
  });
}

/**
 * The earliest response in a timeline: a comment or review by a maintainer, or a label put on by
 * anyone with the rights to (which makes them a maintainer) — never the author's own, never a bot.
 */
export function firstResponseFromTimeline(items: GqlTimelineItem[] | undefined, authorLogin: string | null): Date | null {
  const author = authorLogin?.toLowerCase();
  const times = (items ?? []).flatMap((item) => {
    const actor = item.__typename === "LabeledEvent" ? item.actor : item.author;
    if (!actor || isBotAccount(actor) || actor.login.toLowerCase() === author) return [];
    if (item.__typename !== "LabeledEvent" && !isMaintainerAssociation(item.authorAssociation)) return [];
    const at = toDate(item.submittedAt ?? item.createdAt);
    return at ? [at] : [];
  });
  return times.sort((a, b) => +a - +b)[0] ?? null;
}

export function pullRequestFromGraphql(node: GqlPullRequest, repository: { id: number; fullName: string }): PullRequestSnapshot | null {
  const createdAt = toDate(node.createdAt);
  const updatedAt = toDate(node.updatedAt);
  if (node.databaseId === null || !createdAt || !updatedAt) return null;
  const mergedAt = toDate(node.mergedAt);
  return {
    githubId: node.databaseId,
    nodeId: node.id,
    repositoryId: repository.id,
    repoFullName: repository.fullName,
    number: node.number,
    title: node.title,
    authorLogin: node.author?.login ?? null,
    authorGithubId: node.author?.databaseId ?? null,
    authorAssociation: node.authorAssociation,
    authorIsBot: isBotAccount(node.author),
    state: node.state === "OPEN" ? "open" : "closed",
    isDraft: node.isDraft,
    merged: mergedAt !== null,
    mergedAt,
    closedAt: toDate(node.closedAt),
    createdAt,
    updatedAt,
    closingRefs: (node.closingIssuesReferences?.nodes ?? []).map((ref) => ({
      repo: ref.repository.nameWithOwner.toLowerCase(),
      number: ref.number,
    })),
  };
}
