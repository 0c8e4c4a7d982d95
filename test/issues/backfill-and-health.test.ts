import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { getLatestHealth } from "../../src/issues/issues-service.js";
import { EXAMPLE_REPOSITORY_ID } from "../fixtures/github/derived-payloads.js";
import { gqlIssue, gqlRepository, issuePage, rateLimit, type GraphqlRequestBody } from "../fixtures/github/graphql-payloads.js";
import { webhookExample } from "../helpers/github-webhooks.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

let db: Db;
let app: IndexTestApp;
const NOW = new Date("2024-03-31T00:00:00Z");
const REPO = gqlRepository({ databaseId: EXAMPLE_REPOSITORY_ID, nameWithOwner: "Codertocat/Hello-World", nodeId: "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=" });

beforeEach(async () => {
  db = await createTestDb();
  app = await startIndexApp({ db, queue: createTestQueue(), now: () => NOW });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const opened = (id: number, number: number, createdAt: string, author = "newbie", association = "NONE") => ({
  ...gqlIssue({ databaseId: id, number, updatedAt: createdAt }),
  createdAt,
  author: { login: author, __typename: "User" },
  authorAssociation: association,
});

/** A repository whose health can be worked out by hand (see the expectations below). */
const OPEN_ISSUES = [
  { ...opened(1, 1, "2024-03-01T00:00:00Z", "reporter"), timelineItems: { nodes: [{ __typename: "LabeledEvent", createdAt: "2024-03-01T06:00:00Z", actor: { login: "maint", __typename: "User" } }] } },
  { ...opened(2, 2, "2024-03-10T00:00:00Z"), timelineItems: { nodes: [{ __typename: "IssueComment", createdAt: "2024-03-12T00:00:00Z", authorAssociation: "OWNER", author: { login: "maint", __typename: "User" } }] } },
  { ...opened(3, 3, "2024-03-20T00:00:00Z"), timelineItems: { nodes: [] } },
  { ...opened(4, 4, "2024-03-30T12:00:00Z"), timelineItems: { nodes: [] } },
  { ...opened(5, 5, "2024-02-01T00:00:00Z", "maint", "OWNER"), timelineItems: { nodes: [] } },
  { ...opened(6, 6, "2023-06-01T00:00:00Z"), timelineItems: { nodes: [] } },
];
const CLOSED_ISSUES = [
  {
    ...opened(7, 7, "2024-02-01T00:00:00Z"),
    state: "CLOSED",
    closedAt: "2024-02-03T00:00:00Z",
    updatedAt: "2024-02-03T00:00:00Z",
    timelineItems: { nodes: [{ __typename: "IssueComment", createdAt: "2024-02-01T12:00:00Z", authorAssociation: "MEMBER", author: { login: "helper", __typename: "User" } }] },
  },
];

function pr(number: number, options: { created: string; updated: string; merged?: string; closed?: string; author?: string; bot?: boolean; review?: string; comment?: string; closes?: number[] }) {
  const state = options.merged ? "MERGED" : options.closed ? "CLOSED" : "OPEN";
  const nodes = [
    ...(options.review ? [{ __typename: "PullRequestReview", submittedAt: options.review, createdAt: options.review, authorAssociation: "MEMBER", author: { login: "maint", __typename: "User" } }] : []),
    ...(options.comment ? [{ __typename: "IssueComment", createdAt: options.comment, authorAssociation: "OWNER", author: { login: "maint", __typename: "User" } }] : []),
  ];
  return {
    databaseId: 8000 + number,
    id: `PR_${number}`,
    number,
    title: `Change ${number}`,
    state,
    isDraft: false,
    merged: Boolean(options.merged),
    mergedAt: options.merged ?? null,
    closedAt: options.merged ?? options.closed ?? null,
    createdAt: options.created,
    updatedAt: options.updated,
    authorAssociation: "CONTRIBUTOR",
    author: { login: options.author ?? "contributor", __typename: options.bot ? "Bot" : "User", databaseId: 9000 + number },
    closingIssuesReferences: { nodes: (options.closes ?? []).map((n) => ({ number: n, repository: { nameWithOwner: "Codertocat/Hello-World" } })) },
    timelineItems: { nodes },
  };
}

const PULL_REQUESTS = [
  pr(14, { created: "2024-03-30T00:00:00Z", updated: "2024-03-30T00:00:00Z" }),
  pr(10, { created: "2024-03-18T00:00:00Z", updated: "2024-03-20T00:00:00Z", merged: "2024-03-20T00:00:00Z", review: "2024-03-18T03:00:00Z", closes: [2] }),
  pr(13, { created: "2024-03-14T00:00:00Z", updated: "2024-03-15T00:00:00Z", merged: "2024-03-15T00:00:00Z", author: "dependabot[bot]", bot: true }),
  pr(11, { created: "2024-03-01T00:00:00Z", updated: "2024-03-05T00:00:00Z", merged: "2024-03-05T00:00:00Z", author: "second" }),
  pr(12, { created: "2024-02-10T00:00:00Z", updated: "2024-02-20T00:00:00Z", closed: "2024-02-20T00:00:00Z", comment: "2024-02-10T10:00:00Z" }),
  pr(15, { created: "2023-11-01T00:00:00Z", updated: "2023-12-01T00:00:00Z", merged: "2023-12-01T00:00:00Z" }),
];

const COMMITS = Array.from({ length: 45 }, (_, i) => ({
  oid: (i + 1).toString(16).padStart(40, "a"),
  committedDate: new Date(Date.UTC(2024, 0, 2 + i * 2)).toISOString(),
}));

function githubForBackfill(requests: GraphqlRequestBody[], options: { tokenCached?: boolean } = {}) {
  const named = (name: string, extra: (b: GraphqlRequestBody) => boolean = () => true) => (body: GraphqlRequestBody) =>
    body.query.includes(`query ${name}`) && extra(body) && Boolean(requests.push(body));
  const scope = nock("https://api.github.com");
  if (!options.tokenCached) {
    scope.post("/app/installations/957387/access_tokens").reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" });
  }
  return scope
    .post("/graphql", named("BackfillIssues", (b) => JSON.stringify(b.variables.states) === '["OPEN"]'))
    .reply(200, { data: { rateLimit: rateLimit(4995, 4), repository: { ...REPO, issues: issuePage(OPEN_ISSUES) } } })
    .post("/graphql", named("BackfillIssues", (b) => JSON.stringify(b.variables.states) === '["CLOSED"]'))
    .reply(200, { data: { rateLimit: rateLimit(4991, 4), repository: { ...REPO, issues: issuePage(CLOSED_ISSUES) } } })
    .post("/graphql", named("BackfillPullRequests"))
    .reply(200, { data: { rateLimit: rateLimit(4987, 3), repository: { pullRequests: { pageInfo: { hasNextPage: true, endCursor: "cHI6MTU=" }, nodes: PULL_REQUESTS } } } })
    .post("/graphql", named("BackfillCommits"))
    .reply(200, {
      data: {
        rateLimit: rateLimit(4986),
        repository: { defaultBranchRef: { name: "master", target: { history: { totalCount: 45, pageInfo: { hasNextPage: false, endCursor: null }, nodes: COMMITS } } } },
      },
    });
}

const syncRow = () => db.knex("repository_syncs").where({ repository_id: EXAMPLE_REPOSITORY_ID }).first();

describe("backfill on install, then health", () => {
  it("fills the index from GraphQL, records progress, and scores health to hand-computed values", async () => {
    const requests: GraphqlRequestBody[] = [];
    const github = githubForBackfill(requests);
    const outcome = await deliver(app, db, "installation", webhookExample("installation", "created"));
    expect(outcome.status).toBe("processed");
    const sync = await waitFor(async () => ((await syncRow())?.status === "done" ? syncRow() : undefined), 15_000, "backfill done");
    github.done();

    expect(requests[0]!.variables).toMatchObject({ owner: "Codertocat", name: "Hello-World", cursor: null, since: null });
    expect(requests[1]!.variables).toMatchObject({ since: "2024-01-01T00:00:00.000Z" });
    expect(requests[3]!.variables).toMatchObject({ since: "2024-01-01T00:00:00.000Z" });
    expect(sync).toMatchObject({ status: "done", issues_synced: 7, pull_requests_synced: 5, commits_synced: 45, requests: 4, points: 12, error: null });

    expect(await db.knex("issues").where({ repository_id: EXAMPLE_REPOSITORY_ID }).count({ n: "*" })).toEqual([{ n: 7 }]);
    expect(await db.knex("repositories").where({ id: EXAMPLE_REPOSITORY_ID }).first()).toMatchObject({ language: "TypeScript", stars: 1200, topics: ["cli"] });
    const events = await db.knex("contribution_events").orderBy("pr_number").select("pr_number", "author_login", "detected_via");
    expect(events).toEqual([
      { pr_number: 10, author_login: "contributor", detected_via: "backfill" },
      { pr_number: 11, author_login: "second", detected_via: "backfill" },
    ]);
    const link = await db.knex("issue_signals").where({ issue_id: 2, kind: "linked_pr" }).first();
    expect(link).toMatchObject({ pr_number: 10, active: true });

    // Commits: 45 in 90 days = 3.5 a week → 0.7.
    // Merge rate: #10 and #11 merged, #12 closed unmerged (#13 is a bot's, #15 is before the window) → 2/3.
    // Response hours, issues and PRs opened in the window by non-maintainers: #1 6 (label), #2 48,
    // #3 264 (unanswered for 11 days), #7 12, PR #10 3 (review), PR #11 720 (unanswered), PR #12 10;
    // #4 and PR #14 are too young to judge, #5 is a maintainer's, #6 older → median of
    // [3, 6, 10, 12, 48, 264, 720] = 12 h → 1 / (1 + 12/48) = 0.8.
    // Score: 0.4·0.7 + 0.3·(2/3) + 0.3·0.8 = 0.72.
    const health = await getLatestHealth(db.knex, EXAMPLE_REPOSITORY_ID);
    expect(health).toMatchObject({
      score: 0.72,
      computedAt: NOW,
      components: {
        windowDays: 90,
        commits: 45,
        commitsPerWeek: 3.5,
        commitScore: 0.7,
        merged: 2,
        closedUnmerged: 1,
        mergeRate: 0.6667,
        responseSamples: 7,
        medianResponseHours: 12,
        responseScore: 0.8,
        archived: false,
      },
    });
  });

  it("a repository GitHub no longer has fails the backfill for good instead of retrying", async () => {
    const scope = nock("https://api.github.com")
      .post("/app/installations/957387/access_tokens")
      .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" })
      .post("/graphql")
      .reply(200, { data: { rateLimit: rateLimit(4999), repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository" }] });
    const unmatched: unknown[] = [];
    const onNoMatch = (request: { hostname?: string }) => void (request.hostname === "api.github.com" && unmatched.push(request));
    nock.emitter.on("no match", onNoMatch);
    await deliver(app, db, "installation", webhookExample("installation", "created"));
    const sync = await waitFor(async () => ((await syncRow())?.status === "failed" ? syncRow() : undefined), 15_000, "backfill failed");
    expect(sync.error).toContain("not found");
    await new Promise((resolve) => setTimeout(resolve, 300));
    nock.emitter.removeListener("no match", onNoMatch);
    expect(unmatched).toEqual([]);
    scope.done();
  });

  it("a secondary rate limit pauses the backfill for as long as GitHub asks, then it resumes where it was", async () => {
    const requests: GraphqlRequestBody[] = [];
    const scope = nock("https://api.github.com")
      .post("/app/installations/957387/access_tokens")
      .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" })
      .post("/graphql", (body: GraphqlRequestBody) => body.query.includes("BackfillIssues") && Boolean(requests.push(body)))
      .reply(200, { data: { rateLimit: rateLimit(4995, 4), repository: { ...REPO, issues: issuePage(OPEN_ISSUES.slice(0, 3), { endCursor: "aXNzdWU6Mw==" }) } } })
      .post("/graphql")
      .reply(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "1" });
    await deliver(app, db, "installation", webhookExample("installation", "created"));
    const paused = await waitFor(async () => ((await syncRow())?.status === "rate_limited" ? syncRow() : undefined), 15_000, "backfill paused");
    expect(paused).toMatchObject({ phase: "open_issues", cursor: "aXNzdWU6Mw==", issues_synced: 3 });
    scope.done();

    // One second later the resumed run (with Probot's cached installation token) asks for the page after the saved cursor.
    const resumed = githubForBackfill(requests, { tokenCached: true });
    await waitFor(async () => (await syncRow())?.status === "done", 15_000, "backfill resumed and done");
    expect(requests[1]!.variables).toMatchObject({ cursor: "aXNzdWU6Mw==" });
    resumed.done();
  });
});
