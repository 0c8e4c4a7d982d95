// Shapes of what the index queries ask GitHub's GraphQL API for (see index-queries.ts).

export interface GqlActor {
  login: string;
  __typename: string;
  databaseId?: number | null;
}

export interface GqlRepository {
  databaseId: number;
  id: string;
  name: string;
  nameWithOwner: string;
  owner: { login: string };
  description: string | null;
  homepageUrl: string | null;
  isArchived: boolean;
  isPrivate: boolean;
  isFork: boolean;
  stargazerCount: number;
  forkCount: number;
  primaryLanguage: { name: string } | null;
  licenseInfo: { spdxId: string | null } | null;
  pushedAt: string | null;
  createdAt: string;
  updatedAt: string;
  defaultBranchRef: { name: string } | null;
  repositoryTopics: { nodes: Array<{ topic: { name: string } }> };
}

export interface GqlComment {
  databaseId: number | null;
  body: string;
  createdAt: string;
  updatedAt: string;
  authorAssociation: string;
  author: GqlActor | null;
}

export interface GqlTimelineItem {
  __typename: string;
  createdAt?: string;
  submittedAt?: string | null;
  authorAssociation?: string;
  author?: GqlActor | null;
  actor?: GqlActor | null;
}

export interface GqlIssue {
  databaseId: number | null;
  id: string;
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED";
  stateReason: string | null;
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  authorAssociation: string;
  author: GqlActor | null;
  milestone: { title: string } | null;
  labels: { nodes: Array<{ name: string }> } | null;
  assignees: { nodes: Array<{ login: string }> };
  comments: { totalCount: number; nodes: GqlComment[] };
  timelineItems?: { nodes: GqlTimelineItem[] };
}

/** What an incremental crawl page reads of a changed issue: its own fields and what happened since. */
export type GqlChangedIssue = Omit<GqlIssue, "labels" | "assignees" | "comments" | "timelineItems"> & {
  timelineItems: { pageInfo: { hasNextPage: boolean }; nodes: GqlChangeItem[] };
};

/** Timeline items of an issue, in order: what the index needs to replay labels, assignees and comments. */
export type GqlChangeItem =
  | ({ __typename: "IssueComment" } & GqlComment)
  | { __typename: "LabeledEvent"; createdAt: string; label: { name: string } | null; actor: GqlActor | null }
  | { __typename: "UnlabeledEvent"; createdAt: string; label: { name: string } | null }
  | { __typename: "AssignedEvent" | "UnassignedEvent"; createdAt: string; assignee: { login?: string } | null };

export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GqlIssueConnection<T = GqlIssue> {
  totalCount: number;
  pageInfo: GqlPageInfo;
  nodes: T[];
}

export interface GqlPullRequest {
  databaseId: number | null;
  id: string;
  number: number;
  title: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  merged: boolean;
  mergedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  authorAssociation: string;
  author: GqlActor | null;
  closingIssuesReferences: { nodes: Array<{ number: number; repository: { nameWithOwner: string } }> } | null;
  timelineItems: { nodes: GqlTimelineItem[] };
}

export interface GqlRateLimit {
  cost: number;
  remaining: number;
  resetAt: string;
}
