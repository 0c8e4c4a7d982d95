/**
 * What the index stores about GitHub objects, whatever told us (a webhook, the backfill, the
 * crawler). Mappers turn each source into these; the stores only ever see these.
 */

/** A field left undefined is unknown to the source and keeps its stored value. */
export interface RepositorySnapshot {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  nodeId?: string | null;
  description?: string | null;
  homepage?: string | null;
  defaultBranch?: string;
  language?: string | null;
  topics?: string[];
  license?: string | null;
  stars?: number;
  forks?: number;
  openIssuesCount?: number;
  isArchived?: boolean;
  isPrivate?: boolean;
  isFork?: boolean;
  pushedAt?: Date | null;
  createdAt?: Date | null;
  /** without it the snapshot only creates a missing row, never overwrites one */
  updatedAt?: Date | null;
}

export interface IssueSnapshot {
  id: number;
  nodeId: string | null;
  repositoryId: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: string | null;
  /** null when the source did not say (keeps the stored labels) */
  labels: string[] | null;
  authorLogin: string | null;
  authorAssociation: string | null;
  authorIsBot: boolean;
  /** null when the source did not say (keeps the stored assignees) */
  assignees: string[] | null;
  commentsCount: number;
  isLocked: boolean;
  milestone: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface CommentSnapshot {
  id: number;
  issueId: number;
  authorLogin: string;
  authorAssociation: string | null;
  authorIsBot: boolean;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClosingReference {
  /** owner/name in lower case */
  repo: string;
  number: number;
}

export interface PullRequestSnapshot {
  githubId: number;
  nodeId: string | null;
  repositoryId: number;
  repoFullName: string;
  number: number;
  title: string;
  authorLogin: string | null;
  authorGithubId: number | null;
  authorAssociation: string | null;
  authorIsBot: boolean;
  state: "open" | "closed";
  isDraft: boolean;
  merged: boolean;
  mergedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  closingRefs: ClosingReference[];
}

/** Someone other than the author, not a bot, with maintainer rights, acted on an issue or PR. */
export interface MaintainerResponse {
  at: Date;
  login: string;
}
