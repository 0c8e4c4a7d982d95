import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { crawlTrackedRepositories } from "../../src/issues/crawler/crawl-tracked-repositories.js";
import { computeRepositoryHealth } from "../../src/issues/health/compute-repository-health.js";
import { gqlChangedIssue, gqlIssue, gqlRepository, issuePage, rateLimit, type GraphqlRequestBody } from "../fixtures/github/graphql-payloads.js";
import { buildIssuePageQuery, buildIssuesByIdQuery } from "../../src/github/graphql/index-queries.js";
import { estimateQueryCost } from "../../src/github/graphql/estimate-query-cost.js";
import { silentLog, TestOctokit } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { seedInstallation } from "./helpers/index-test-app.js";

let db: Db;
const NOW = new Date("2024-03-05T12:00:00Z");
const client = new TestOctokit({ auth: "ghp_crawler" });

beforeEach(async () => {
  db = await createTestDb();
});

afterEach(async () => {
  await db.close();
});

async function seedTracked(options: { id: number; fullName: string; lastUpdatedAt?: string; installationId?: number; activityAt?: Date }) {
  const [owner, name] = options.fullName.split("/");
  await db.knex("repositories").insert({
    id: options.id,
    node_id: `R_${options.id}`,
    owner,
    name,
    full_name: options.fullName,
    tracked_via: options.installationId ? "installation" : "crawler",
    installation_id: options.installationId ?? null,
  });
  await db.knex("tracked_repositories").insert({ full_name: options.fullName, repository_id: options.id, source: "api", status: "active" });
  if (options.lastUpdatedAt) await db.knex("crawl_cursors").insert({ repository_id: options.id, last_updated_at: options.lastUpdatedAt });
  // Activity counted recently, so these probes do not ask for it again.
  await db.knex("repository_activity").insert({
    repository_id: options.id, window_days: 90, commits: 30, merged_pull_requests: 8, closed_unmerged_pull_requests: 2, observed_at: options.activityAt ?? NOW,
  });
}

const crawl = (budget = {}) => crawlTrackedRepositories({ knex: db.knex, client, now: () => NOW, log: silentLog, budget: { sleep: async () => {}, ...budget } });
const isProbe = (body: GraphqlRequestBody) => body.query.includes("query CrawlProbe");
const isPage = (body: GraphqlRequestBody) => body.query.includes("query CrawlIssues");
const isWhole = (body: GraphqlRequestBody) => body.query.includes("query CrawlWholeIssues");

describe("crawling tracked repositories that are not installed", () => {
  it("fetches only the issues changed since the last pass, rebuilt from their timelines, and nothing when none changed", async () => {
    await seedTracked({ id: 5001, fullName: "acme/widgets", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    await db.knex("issues").insert([1, 2, 3].map((n) => ({
      id: 60000 + n, repository_id: 5001, number: n, title: `Old ${n}`, labels: ["bug"], github_created_at: "2024-01-01T00:00:00Z", github_updated_at: "2024-02-01T00:00:00Z",
    })));
    const requests: GraphqlRequestBody[] = [];
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body) && Boolean(requests.push(body)))
      .reply(200, { data: { rateLimit: rateLimit(4990), r0: gqlRepository({ databaseId: 5001, nameWithOwner: "acme/widgets", changed: 4 }) } })
      .post("/graphql", (body: GraphqlRequestBody) => isPage(body) && Boolean(requests.push(body)))
      .reply(200, {
        data: {
          rateLimit: rateLimit(4989),
          r0: {
            issues: issuePage([
              // Held: relabelled and assigned since the last pass.
              gqlChangedIssue({
                databaseId: 60002, number: 2, updatedAt: "2024-03-02T08:00:00Z", title: "Old 2, now clearer",
                items: [
                  { type: "UnlabeledEvent", label: "bug", at: "2024-03-02T07:00:00Z" },
                  { type: "LabeledEvent", label: "good first issue", at: "2024-03-02T07:01:00Z" },
                  { type: "AssignedEvent", login: "zoe", at: "2024-03-02T08:00:00Z" },
                ],
              }),
              // Held, but more happened than one page of its timeline: read whole.
              gqlChangedIssue({ databaseId: 60003, number: 3, updatedAt: "2024-03-02T09:00:00Z", moreItems: true }),
              // New since the last pass: its whole life is in the window.
              gqlChangedIssue({
                databaseId: 60004, number: 4, createdAt: "2024-03-03T09:00:00Z", updatedAt: "2024-03-03T09:30:00Z",
                items: [
                  { type: "LabeledEvent", label: "help wanted", at: "2024-03-03T09:00:00Z" },
                  { type: "IssueComment", id: 1, body: "Can I work on this?", author: "sam", at: "2024-03-03T09:30:00Z" },
                ],
              }),
              // Never held and older than the window (it was closed, now reopened): read whole.
              gqlChangedIssue({ databaseId: 60005, number: 5, updatedAt: "2024-03-03T10:00:00Z" }),
            ]),
          },
        },
      })
      .post("/graphql", (body: GraphqlRequestBody) => isWhole(body) && Boolean(requests.push(body)))
      .reply(200, {
        data: {
          rateLimit: rateLimit(4988),
          i0: gqlIssue({ databaseId: 60003, number: 3, updatedAt: "2024-03-02T09:00:00Z", labels: ["docs"], commentCount: 40 }),
          i1: gqlIssue({ databaseId: 60005, number: 5, updatedAt: "2024-03-03T10:00:00Z", labels: ["help wanted"], assignees: ["kim"] }),
        },
      });

    const stats = await crawl();
    scope.done();
    expect(requests[0]!.variables).toMatchObject({ id0: "R_5001", since0: "2024-03-01T00:00:01.000Z", states0: null });
    expect(requests[1]!.variables).toMatchObject({ id0: "R_5001", first0: 4, cursor0: null, since0: "2024-03-01T00:00:01.000Z" });
    expect(requests[1]!.query).toContain("orderBy: { field: UPDATED_AT, direction: ASC }");
    expect(requests[1]!.query).toContain("timelineItems(since: $since0");
    expect(requests[1]!.query).not.toContain("assignees(");
    expect(requests[2]!.variables).toEqual({ i0: "I_60003", i1: "I_60005" });
    expect(stats).toMatchObject({ requests: 3, points: 3, issuesFetched: 4, changedRepositories: 1, stoppedForBudget: false });

    const issues = await db.knex("issues").orderBy("number").select("number", "title", "labels", "assignees", "comments_count");
    expect(issues).toEqual([
      { number: 1, title: "Old 1", labels: ["bug"], assignees: [], comments_count: 0 },
      { number: 2, title: "Old 2, now clearer", labels: ["good first issue"], assignees: ["zoe"], comments_count: 0 },
      { number: 3, title: "Issue 3", labels: ["docs"], assignees: [], comments_count: 40 },
      { number: 4, title: "Issue 4", labels: ["help wanted"], assignees: [], comments_count: 1 },
      { number: 5, title: "Issue 5", labels: ["help wanted"], assignees: ["kim"], comments_count: 0 },
    ]);
    const signals = await db.knex("issue_signals").where({ active: true }).orderBy("issue_id").select("issue_id", "kind", "actor_login");
    expect(signals).toEqual([
      { issue_id: 60002, kind: "assignee", actor_login: "zoe" },
      { issue_id: 60004, kind: "claim", actor_login: "sam" },
      { issue_id: 60005, kind: "assignee", actor_login: "kim" },
    ]);
    const cursor = await db.knex("crawl_cursors").where({ repository_id: 5001 }).first();
    expect(cursor).toMatchObject({ status: "idle", end_cursor: null });
    expect(cursor.last_updated_at).toEqual(new Date("2024-03-03T10:00:00Z"));

    // Nothing changed since: the probe is the only request.
    const quiet = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body) && body.variables.since0 === "2024-03-03T10:00:01.000Z")
      .reply(200, { data: { rateLimit: rateLimit(4988), r0: gqlRepository({ databaseId: 5001, nameWithOwner: "acme/widgets", changed: 0 }) } });
    expect(await crawl()).toMatchObject({ requests: 1, issuesFetched: 0 });
    quiet.done();
  });

  it("replaying a timeline the index has already seen changes nothing, and counts each comment once", async () => {
    await seedTracked({ id: 5011, fullName: "acme/replay", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    const page = () => ({
      data: {
        rateLimit: rateLimit(4980),
        r0: {
          issues: issuePage([
            gqlChangedIssue({
              databaseId: 61001, number: 1, createdAt: "2024-03-02T00:00:00Z", updatedAt: "2024-03-02T03:00:00Z",
              items: [
                { type: "LabeledEvent", label: "bug", at: "2024-03-02T00:00:00Z" },
                { type: "AssignedEvent", login: "ann", at: "2024-03-02T01:00:00Z" },
                { type: "IssueComment", id: 77, body: "Looking into it", author: "ann", at: "2024-03-02T02:00:00Z" },
                { type: "UnassignedEvent", login: "ann", at: "2024-03-02T03:00:00Z" },
              ],
            }),
          ]),
        },
      },
    });
    const probe = { data: { rateLimit: rateLimit(4981), r0: gqlRepository({ databaseId: 5011, nameWithOwner: "acme/replay", changed: 1 }) } };
    for (let pass = 0; pass < 2; pass += 1) {
      // The second pass overlaps the first completely, as the safety margin between passes may.
      await db.knex("crawl_cursors").where({ repository_id: 5011 }).update({ last_updated_at: "2024-03-01T00:00:00Z" });
      const scope = nock("https://api.github.com").post("/graphql", (b: GraphqlRequestBody) => isProbe(b)).reply(200, probe).post("/graphql", (b: GraphqlRequestBody) => isPage(b)).reply(200, page());
      await crawl();
      scope.done();
      expect(await db.knex("issues").where({ id: 61001 }).first("labels", "assignees", "comments_count")).toEqual({ labels: ["bug"], assignees: [], comments_count: 1 });
    }
  });

  it("packs page queries up to the most issues GitHub still bills one point for", () => {
    const changed = buildIssuePageQuery([{ nodeId: "R_1", since: "2024-03-01T00:00:00Z", states: null, first: 100, after: null }, { nodeId: "R_2", since: "2024-03-01T00:00:00Z", states: null, first: 46, after: null }]);
    expect(estimateQueryCost(changed.query, changed.variables)).toEqual({ requests: 148, points: 1 });
    const whole = buildIssuePageQuery([{ nodeId: "R_1", since: null, states: ["OPEN"], first: 49, after: null }]);
    expect(estimateQueryCost(whole.query, whole.variables)).toEqual({ requests: 148, points: 1 });
    const byId = buildIssuesByIdQuery(Array.from({ length: 49 }, (_, i) => `I_${i}`));
    expect(estimateQueryCost(byId.query, byId.variables).points).toBe(1);
  });

  it("a first pass takes open issues only, page after page, with cursors", async () => {
    await seedTracked({ id: 5002, fullName: "acme/gadgets" });
    const all = Array.from({ length: 120 }, (_, i) => gqlIssue({ databaseId: 70000 + i, number: i + 1, updatedAt: `2024-02-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z` }));
    const pages: GraphqlRequestBody[] = [];
    const servePage = (_uri: string, body: GraphqlRequestBody) => {
      const offset = body.variables.cursor0 ? Number(Buffer.from(String(body.variables.cursor0), "base64").toString()) : 0;
      const end = offset + Number(body.variables.first0);
      const endCursor = end < all.length ? Buffer.from(String(end)).toString("base64") : null;
      return { data: { rateLimit: rateLimit(4987, 1), r0: { issues: issuePage(all.slice(offset, end), { totalCount: 120, endCursor }) } } };
    };
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body) && body.variables.since0 === null && JSON.stringify(body.variables.states0) === '["OPEN"]')
      .reply(200, { data: { rateLimit: rateLimit(4990), r0: gqlRepository({ databaseId: 5002, nameWithOwner: "acme/gadgets", changed: 120 }) } })
      .post("/graphql", (body: GraphqlRequestBody) => isPage(body) && Boolean(pages.push(body)))
      .times(3)
      .reply(200, servePage);

    const stats = await crawl();
    scope.done();
    // Whole issues ask for three connections each: 49 of them still bill one point.
    expect(pages.map((p) => [p.variables.first0, p.variables.cursor0, p.variables.states0])).toEqual([
      [49, null, ["OPEN"]],
      [49, "NDk=", ["OPEN"]],
      [22, "OTg=", ["OPEN"]],
    ]);
    expect(stats).toMatchObject({ issuesFetched: 120, requests: 4, points: 4 });
    expect(await db.knex("issues").where({ repository_id: 5002 }).count({ n: "*" })).toEqual([{ n: 120 }]);
  });

  it("stops before the rate budget runs out and says when to resume", async () => {
    await seedTracked({ id: 5003, fullName: "acme/one", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    await seedTracked({ id: 5004, fullName: "acme/two", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body))
      .reply(200, {
        data: {
          rateLimit: rateLimit(100, 1, "2024-03-05T12:40:00Z"),
          r0: gqlRepository({ databaseId: 5003, nameWithOwner: "acme/one", changed: 90 }),
          r1: gqlRepository({ databaseId: 5004, nameWithOwner: "acme/two", changed: 80 }),
        },
      });
    const stats = await crawl({ reservePoints: 100 });
    // The probe only: the next page would cost a point, and none is left above the reserve.
    scope.done();
    expect(stats).toMatchObject({ stoppedForBudget: true, issuesFetched: 0, requests: 1 });
    expect(stats.resumeAt).toEqual(new Date("2024-03-05T12:40:00Z"));
    const cursors = await db.knex("crawl_cursors").orderBy("repository_id").select("status", "next_run_at");
    expect(cursors).toEqual([
      { status: "rate_limited", next_run_at: new Date("2024-03-05T12:40:00Z") },
      { status: "rate_limited", next_run_at: new Date("2024-03-05T12:40:00Z") },
    ]);
  });

  it("marks a repository that vanished or was archived, and fetches neither", async () => {
    await seedTracked({ id: 5005, fullName: "acme/gone", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    await seedTracked({ id: 5006, fullName: "acme/frozen", lastUpdatedAt: "2024-03-01T00:00:00Z" });
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body))
      .reply(200, {
        data: { rateLimit: rateLimit(4990), r0: null, r1: gqlRepository({ databaseId: 5006, nameWithOwner: "acme/frozen", isArchived: true, changed: 3 }) },
        errors: [{ type: "NOT_FOUND", path: ["r0"], message: "Could not resolve to a node with the global id of 'R_5005'" }],
      });
    const stats = await crawl();
    scope.done();
    expect(stats).toMatchObject({ vanished: 1, archived: 1, issuesFetched: 0 });
    const tracked = await db.knex("tracked_repositories").orderBy("id").select("full_name", "status", "error");
    expect(tracked).toEqual([
      { full_name: "acme/gone", status: "vanished", error: "Could not resolve to a node with the global id of 'R_5005'" },
      { full_name: "acme/frozen", status: "archived", error: null },
    ]);
    const repos = await db.knex("repositories").orderBy("id").select("id", "is_archived", "deleted_at");
    expect(repos[0].deleted_at).toBeInstanceOf(Date);
    expect(repos[1]).toMatchObject({ is_archived: true, deleted_at: null });

    // A vanished repository is not asked about again.
    const next = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body) && body.variables.id0 === "R_5006" && body.variables.id1 === undefined)
      .reply(200, { data: { rateLimit: rateLimit(4989), r0: gqlRepository({ databaseId: 5006, nameWithOwner: "acme/frozen", isArchived: true, changed: 0 }) } });
    await crawl();
    next.done();
  });

  it("never crawls a repository the App is installed on", async () => {
    await seedInstallation(db, 4242);
    await seedTracked({ id: 5007, fullName: "acme/installed", installationId: 4242 });
    const scope = nock("https://api.github.com");
    expect(await crawl()).toMatchObject({ requests: 0, repositories: 0 });
    scope.done();
  });

  it("counts a repository's 90-day activity about once a day and scores its health from it", async () => {
    await seedTracked({ id: 5008, fullName: "acme/lively", lastUpdatedAt: "2024-03-01T00:00:00Z", activityAt: new Date("2024-03-04T00:00:00Z") });
    let probe: GraphqlRequestBody | undefined;
    const scope = nock("https://api.github.com")
      .post("/graphql", (body: GraphqlRequestBody) => isProbe(body) && Boolean((probe = body)))
      .reply(200, {
        data: {
          rateLimit: rateLimit(4990),
          r0: gqlRepository({ databaseId: 5008, nameWithOwner: "acme/lively", changed: 0, commits90d: 45 }),
          m0: { issueCount: 12 },
          c0: { issueCount: 4 },
        },
      });
    await crawl();
    scope.done();
    expect(probe!.variables).toMatchObject({
      merged0: "repo:acme/lively is:pr is:merged merged:>=2023-12-06",
      closed0: "repo:acme/lively is:pr is:closed is:unmerged closed:>=2023-12-06",
      window0: "2023-12-06T12:00:00.000Z",
    });
    expect(await db.knex("repository_activity").where({ repository_id: 5008 }).first()).toMatchObject({
      commits: 45, merged_pull_requests: 12, closed_unmerged_pull_requests: 4,
    });
    // 45 commits / (90/7) weeks = 3.5 a week → 0.7; 12 of 16 merged → 0.75; no response data:
    // (0.4·0.7 + 0.3·0.75) / 0.7 = 0.7214.
    const health = await computeRepositoryHealth(db.knex, 5008, NOW);
    expect(health).toMatchObject({ score: 0.7214, components: { commitsPerWeek: 3.5, commitScore: 0.7, mergeRate: 0.75, medianResponseHours: null } });
  });
});
