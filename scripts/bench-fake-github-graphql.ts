import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { estimateQueryCost } from "../src/github/graphql/estimate-query-cost.js";

// A stand-in for GitHub's GraphQL endpoint, on 127.0.0.1, that answers the crawler's queries
// (CrawlProbe, CrawlIssues, CrawlWholeIssues) over an in-memory set of repositories and bills every
// query with GitHub's documented rate-limit formula. Only for `npm run bench:crawl`.

export interface FakeIssue {
  databaseId: number;
  number: number;
  title: string;
  state: "OPEN" | "CLOSED";
  labels: string[];
  assignees: string[];
  comments: Array<{ databaseId: number; body: string; author: string; createdAt: string }>;
  /** labels and assignees put on or taken off after creation, oldest first */
  events: Array<{ type: "LabeledEvent" | "UnlabeledEvent" | "AssignedEvent" | "UnassignedEvent"; name: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface FakeRepository {
  databaseId: number;
  nodeId: string;
  owner: string;
  name: string;
  issues: FakeIssue[];
}

export interface FakeGithub {
  url: string;
  requests: number;
  points: number;
  remaining: number;
  close(): Promise<void>;
}

const LIMIT = 5_000;

function repositoryFacts(repo: FakeRepository) {
  return {
    databaseId: repo.databaseId,
    id: repo.nodeId,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
    description: "A benchmark repository",
    homepageUrl: "",
    isArchived: false,
    isPrivate: false,
    isFork: false,
    stargazerCount: 100,
    forkCount: 10,
    primaryLanguage: { name: "TypeScript" },
    licenseInfo: { spdxId: "MIT" },
    pushedAt: "2024-03-01T00:00:00Z",
    createdAt: "2020-01-01T00:00:00Z",
    updatedAt: "2024-03-01T00:00:00Z",
    defaultBranchRef: { name: "main", target: { history: { totalCount: 120 } } },
    repositoryTopics: { nodes: [] },
  };
}

const TIMELINE_PAGE = 30;

function fields(issue: FakeIssue) {
  return {
    databaseId: issue.databaseId,
    id: `I_${issue.databaseId}`,
    number: issue.number,
    title: issue.title,
    body: "Something to do.",
    state: issue.state,
    stateReason: null,
    locked: false,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    closedAt: issue.state === "CLOSED" ? issue.updatedAt : null,
    authorAssociation: "NONE",
    author: { login: "reporter", __typename: "User" },
    milestone: null,
  };
}

/** GitHub's `timelineItems(since:, first:)`: comments and label/assignee events at or after `since`, oldest first. */
function toChangedNode(issue: FakeIssue, since: string) {
  const items = [
    ...issue.comments.map((c) => ({
      at: c.createdAt,
      node: { __typename: "IssueComment", databaseId: c.databaseId, body: c.body, createdAt: c.createdAt, updatedAt: c.createdAt, authorAssociation: "NONE", author: { login: c.author, __typename: "User" } },
    })),
    ...issue.events.map((e) => ({
      at: e.createdAt,
      node: e.type.endsWith("LabeledEvent")
        ? { __typename: e.type, createdAt: e.createdAt, label: { name: e.name }, actor: { login: "maintainer", __typename: "User" } }
        : { __typename: e.type, createdAt: e.createdAt, assignee: { __typename: "User", login: e.name } },
    })),
  ]
    .filter((item) => item.at >= since)
    .sort((a, b) => a.at.localeCompare(b.at));
  return {
    ...fields(issue),
    timelineItems: { pageInfo: { hasNextPage: items.length > TIMELINE_PAGE }, nodes: items.slice(0, TIMELINE_PAGE).map((item) => item.node) },
  };
}

function toNode(issue: FakeIssue) {
  const last = issue.comments.slice(-10);
  return {
    ...fields(issue),
    labels: { nodes: issue.labels.map((name) => ({ name })) },
    assignees: { nodes: issue.assignees.map((login) => ({ login })) },
    comments: {
      totalCount: issue.comments.length,
      nodes: last.map((c) => ({ databaseId: c.databaseId, body: c.body, createdAt: c.createdAt, updatedAt: c.createdAt, authorAssociation: "NONE", author: { login: c.author, __typename: "User" } })),
    },
  };
}

/** GitHub's `filterBy: { since, states }` and UPDATED_AT ascending order. */
function matching(repo: FakeRepository, since: unknown, states: unknown): FakeIssue[] {
  return repo.issues
    .filter((i) => (typeof since === "string" ? i.updatedAt >= since : true))
    .filter((i) => (Array.isArray(states) ? states.includes(i.state) : true))
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.databaseId - b.databaseId);
}

export async function startFakeGithubGraphql(repositories: FakeRepository[]): Promise<FakeGithub> {
  const byNode = new Map(repositories.map((r) => [r.nodeId, r]));
  const byName = new Map(repositories.map((r) => [`${r.owner}/${r.name}`.toLowerCase(), r]));
  const state = { requests: 0, points: 0, remaining: LIMIT };

  const byIssueNode = new Map<string, FakeIssue>(repositories.flatMap((r) => r.issues.map((issue) => [`I_${issue.databaseId}`, issue] as [string, FakeIssue])));

  const answer = (query: string, variables: Record<string, unknown>) => {
    const data: Record<string, unknown> = {};
    if (query.includes("query CrawlWholeIssues")) {
      for (const m of query.matchAll(/\bi(\d+): node\(/g)) {
        const issue = byIssueNode.get(String(variables[`i${m[1]}`]));
        data[`i${m[1]}`] = issue ? toNode(issue) : null;
      }
      return data;
    }
    const aliases = [...query.matchAll(/\br(\d+): (?:node|repository)\(/g)].map((m) => Number(m[1]));
    for (const i of aliases) {
      const repo = byNode.get(String(variables[`id${i}`])) ?? byName.get(`${variables[`owner${i}`]}/${variables[`name${i}`]}`.toLowerCase());
      if (!repo) {
        data[`r${i}`] = null;
        continue;
      }
      const issues = matching(repo, variables[`since${i}`], variables[`states${i}`]);
      if (query.includes("query CrawlProbe")) {
        data[`r${i}`] = { ...repositoryFacts(repo), changed: { totalCount: issues.length } };
        if (`merged${i}` in variables) Object.assign(data, { [`m${i}`]: { issueCount: 30 }, [`c${i}`]: { issueCount: 5 } });
      } else {
        const offset = variables[`cursor${i}`] ? Number(Buffer.from(String(variables[`cursor${i}`]), "base64").toString()) : 0;
        const first = Number(variables[`first${i}`]);
        const page = issues.slice(offset, offset + first);
        const hasNextPage = offset + first < issues.length;
        data[`r${i}`] = {
          issues: {
            totalCount: issues.length,
            pageInfo: { hasNextPage, endCursor: hasNextPage ? Buffer.from(String(offset + first)).toString("base64") : null },
            nodes: page.map((issue) => (typeof variables[`since${i}`] === "string" ? toChangedNode(issue, String(variables[`since${i}`])) : toNode(issue))),
          },
        };
      }
    }
    return data;
  };

  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      const cost = estimateQueryCost(query, variables).points;
      state.requests += 1;
      state.points += cost;
      state.remaining -= cost;
      const data = { rateLimit: { cost, remaining: state.remaining, resetAt: new Date(Date.now() + 3_600_000).toISOString() }, ...answer(query, variables) };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data }));
    });
  });
  // The crawler may spend longer than Node's default five seconds storing a page between two queries.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get points() {
      return state.points;
    },
    get remaining() {
      return state.remaining;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
