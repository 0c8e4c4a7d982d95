// The GraphQL documents the index sends, written against GitHub's public schema. Paging follows
// GitHub's guidance: `first` ≤ 100, `after: $cursor`, `pageInfo { hasNextPage endCursor }`, and
// every query reads `rateLimit { cost remaining resetAt }` so callers can stop before the budget ends.

export const RATE_LIMIT = `rateLimit { cost remaining resetAt }`;

export const REPOSITORY_FACTS = `
fragment RepositoryFacts on Repository {
  databaseId id name nameWithOwner owner { login } description homepageUrl
  isArchived isPrivate isFork stargazerCount forkCount primaryLanguage { name } licenseInfo { spdxId }
  pushedAt createdAt updatedAt defaultBranchRef { name }
  repositoryTopics(first: 20) { nodes { topic { name } } }
}`;

const ISSUE_FIELDS = `databaseId id number title body state stateReason locked createdAt updatedAt closedAt
  authorAssociation author { login __typename } milestone { title }`;

/** An issue as the index stores it. The last comments are enough to see recent claims. */
export const INDEXED_ISSUE = `
fragment IndexedIssue on Issue {
  ${ISSUE_FIELDS}
  labels(first: 20) { nodes { name } }
  assignees(first: 10) { nodes { login } }
  comments(last: 10) {
    totalCount
    nodes { databaseId body createdAt updatedAt authorAssociation author { login __typename } }
  }
}`;

/** The earliest comments, labels and reviews: where a first maintainer response is. */
const FIRST_RESPONSES = (itemTypes: string) => `
  timelineItems(first: 10, itemTypes: [${itemTypes}]) {
    nodes {
      __typename
      ... on IssueComment { createdAt authorAssociation author { login __typename } }
      ... on LabeledEvent { createdAt actor { login __typename } }
      ... on PullRequestReview { submittedAt createdAt authorAssociation author { login __typename } }
    }
  }`;

const ISSUE_PAGE = (first: string, after: string, since: string, states: string) =>
  `issues(first: ${first}, after: ${after}, filterBy: { since: ${since}, states: ${states} }, orderBy: { field: UPDATED_AT, direction: ASC })`;

export const BACKFILL_ISSUES_QUERY = `
query BackfillIssues($owner: String!, $name: String!, $cursor: String, $since: DateTime, $states: [IssueState!]) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFacts
    ${ISSUE_PAGE("50", "$cursor", "$since", "$states")} {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...IndexedIssue ${FIRST_RESPONSES("ISSUE_COMMENT, LABELED_EVENT")} }
    }
  }
}
${REPOSITORY_FACTS}
${INDEXED_ISSUE}`;

export const BACKFILL_PULL_REQUESTS_QUERY = `
query BackfillPullRequests($owner: String!, $name: String!, $cursor: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequests(first: 50, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId id number title state isDraft merged mergedAt closedAt createdAt updatedAt
        authorAssociation author { login __typename ... on User { databaseId } ... on Bot { databaseId } }
        closingIssuesReferences(first: 10) { nodes { number repository { nameWithOwner } } }
        ${FIRST_RESPONSES("ISSUE_COMMENT, PULL_REQUEST_REVIEW, LABELED_EVENT")}
      }
    }
  }
}`;

export const BACKFILL_COMMITS_QUERY = `
query BackfillCommits($owner: String!, $name: String!, $cursor: String, $since: GitTimestamp!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    defaultBranchRef {
      name
      target {
        ... on Commit {
          history(first: 100, after: $cursor, since: $since) {
            totalCount
            pageInfo { hasNextPage endCursor }
            nodes { oid committedDate }
          }
        }
      }
    }
  }
}`;

export interface ProbeTarget {
  /** the repository's GraphQL node id once known; owner and name before */
  nodeId: string | null;
  owner: string;
  name: string;
  /** changed since (exclusive high-water mark + 1 s); null on a first crawl */
  since: string | null;
  /** a first crawl takes open issues only */
  states: Array<"OPEN" | "CLOSED"> | null;
  /** count 90-day activity (commits, merged and unmerged PRs) for the health scorer */
  activity: { since: string; mergedQuery: string; closedQuery: string } | null;
}

/**
 * One query for many repositories: each one's facts, how many of its issues changed, and (when
 * due) its activity counts. Connections without nodes cost one request each, so this costs about
 * a point per hundred repositories.
 */
export function buildProbeQuery(targets: ProbeTarget[]): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  targets.forEach((target, i) => {
    const root = target.nodeId ? `r${i}: node(id: $id${i}) { ... on Repository {` : `r${i}: repository(owner: $owner${i}, name: $name${i}) {`;
    if (target.nodeId) {
      declarations.push(`$id${i}: ID!`);
      variables[`id${i}`] = target.nodeId;
    } else {
      declarations.push(`$owner${i}: String!`, `$name${i}: String!`);
      variables[`owner${i}`] = target.owner;
      variables[`name${i}`] = target.name;
    }
    declarations.push(`$since${i}: DateTime`, `$states${i}: [IssueState!]`);
    variables[`since${i}`] = target.since;
    variables[`states${i}`] = target.states;
    let body = `...RepositoryFacts changed: issues(filterBy: { since: $since${i}, states: $states${i} }) { totalCount }`;
    if (target.activity) {
      declarations.push(`$window${i}: GitTimestamp!`, `$merged${i}: String!`, `$closed${i}: String!`);
      variables[`window${i}`] = target.activity.since;
      variables[`merged${i}`] = target.activity.mergedQuery;
      variables[`closed${i}`] = target.activity.closedQuery;
      body += ` defaultBranchRef { target { ... on Commit { history(since: $window${i}) { totalCount } } } }`;
      fields.push(`m${i}: search(query: $merged${i}, type: ISSUE) { issueCount }`, `c${i}: search(query: $closed${i}, type: ISSUE) { issueCount }`);
    }
    fields.push(`${root} ${body} }${target.nodeId ? " }" : ""}`);
  });
  const query = `query CrawlProbe(${declarations.join(", ")}) {\n  ${RATE_LIMIT}\n  ${fields.join("\n  ")}\n}\n${REPOSITORY_FACTS}`;
  return { query, variables };
}

export interface PageTarget {
  nodeId: string;
  since: string | null;
  states: Array<"OPEN" | "CLOSED"> | null;
  first: number;
  after: string | null;
}

/** Timeline items the index replays onto what it already holds (see `mergeIssueTimeline`). */
export const CHANGE_ITEM_TYPES = "ISSUE_COMMENT, LABELED_EVENT, UNLABELED_EVENT, ASSIGNED_EVENT, UNASSIGNED_EVENT";
/** Timeline items read per changed issue; an issue with more since the last pass is fetched whole. */
export const CHANGE_ITEMS_PER_ISSUE = 30;

const ASSIGNEE = `assignee { __typename ... on User { login } ... on Bot { login } ... on Mannequin { login } ... on Organization { login } }`;

/**
 * A changed issue with one connection instead of three: its fields and its timeline since the
 * last pass (comments, labels and assignees put on or taken off), in order. GitHub bills a page by
 * the connections each issue asks for, so this halves the cost of a page of changes.
 */
const CHANGED_ISSUE = (since: string) => `${ISSUE_FIELDS}
  timelineItems(since: ${since}, first: ${CHANGE_ITEMS_PER_ISSUE}, itemTypes: [${CHANGE_ITEM_TYPES}]) {
    pageInfo { hasNextPage }
    nodes {
      __typename
      ... on IssueComment { databaseId body createdAt updatedAt authorAssociation author { login __typename } }
      ... on LabeledEvent { createdAt label { name } actor { login __typename } }
      ... on UnlabeledEvent { createdAt label { name } }
      ... on AssignedEvent { createdAt ${ASSIGNEE} }
      ... on UnassignedEvent { createdAt ${ASSIGNEE} }
    }
  }`;

/**
 * The next page of changed issues for several repositories at once, oldest change first. A
 * repository's first pass (no `since`) reads issues whole; later passes read what changed.
 */
export function buildIssuePageQuery(targets: PageTarget[]): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  targets.forEach((target, i) => {
    declarations.push(`$id${i}: ID!`, `$first${i}: Int!`, `$cursor${i}: String`, `$since${i}: DateTime`, `$states${i}: [IssueState!]`);
    Object.assign(variables, {
      [`id${i}`]: target.nodeId,
      [`first${i}`]: target.first,
      [`cursor${i}`]: target.after,
      [`since${i}`]: target.since,
      [`states${i}`]: target.states,
    });
    const issue = target.since === null ? "...IndexedIssue" : CHANGED_ISSUE(`$since${i}`);
    fields.push(
      `r${i}: node(id: $id${i}) { ... on Repository { ${ISSUE_PAGE(`$first${i}`, `$cursor${i}`, `$since${i}`, `$states${i}`)} { totalCount pageInfo { hasNextPage endCursor } nodes { ${issue} } } } }`,
    );
  });
  const whole = targets.some((t) => t.since === null);
  const query = `query CrawlIssues(${declarations.join(", ")}) {\n  ${RATE_LIMIT}\n  ${fields.join("\n  ")}\n}${whole ? `\n${INDEXED_ISSUE}` : ""}`;
  return { query, variables };
}

/** Whole issues by node id, for changed issues whose timeline could not be replayed. */
export function buildIssuesByIdQuery(nodeIds: string[]): { query: string; variables: Record<string, unknown> } {
  const declarations = nodeIds.map((_, i) => `$i${i}: ID!`);
  const fields = nodeIds.map((_, i) => `i${i}: node(id: $i${i}) { ... on Issue { ...IndexedIssue } }`);
  const variables = Object.fromEntries(nodeIds.map((id, i) => [`i${i}`, id]));
  const query = `query CrawlWholeIssues(${declarations.join(", ")}) {\n  ${RATE_LIMIT}\n  ${fields.join("\n  ")}\n}\n${INDEXED_ISSUE}`;
  return { query, variables };
}
