import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateBudget } from "../../src/portfolio/rate-budget.js";
import { searchMergedPullRequests, searchQuery } from "../../src/portfolio/search-merged-prs.js";
import { waitFor } from "../helpers/test-app.js";
import { serveFixtureGithub, signIn, startUsersApp, type SignedIn, type UsersTestApp } from "../users/users-test-kit.js";
import { seedContribution } from "./portfolio-test-kit.js";

let app: UsersTestApp;
let mona: SignedIn;
const MONA = { githubId: 583231, login: "mona" };

beforeAll(async () => {
  app = await startUsersApp();
  serveFixtureGithub(app);
  mona = await signIn(app, "mona");
  // Let the sign-in's profile analysis finish against the fixture GitHub before faking our own.
  await waitFor(async () => (await app.db.knex("users").where({ id: mona.userId }).first("profile_status"))?.profile_status === "done", 15_000, "profile analysed");
  nock.cleanAll();
});

afterAll(async () => {
  await app?.close();
});

const searchItem = (repo: string, number: number) => ({
  number,
  title: `Change ${number}`,
  state: "closed",
  repository_url: `https://api.github.com/repos/${repo}`,
  html_url: `https://github.com/${repo}/pull/${number}`,
  pull_request: { merged_at: "2025-10-20T10:00:00Z", url: `https://api.github.com/repos/${repo}/pulls/${number}` },
});

const pullRequest = (repo: string, number: number, id: number, author = MONA) => ({
  id,
  number,
  title: `Change ${number}`,
  html_url: `https://github.com/${repo}/pull/${number}`,
  merged: true,
  merged_at: "2025-10-20T10:00:00Z",
  user: { id: author.githubId, login: author.login },
  additions: 1,
  deletions: 1,
  changed_files: 1,
  base: { repo: { id: 4242, full_name: repo, private: false, description: null, stargazers_count: 1, topics: [], owner: { login: repo.split("/")[0] } } },
});

const stateOf = async () => (await app.db.knex("portfolio_search_state").where({ user_id: mona.userId }).first())?.searched_through as Date | undefined;

const searchQueryOf = (uri: string) => String(new URL(uri, "http://api.invalid").searchParams.get("q"));

describe("the daily search for merged PRs outside installed repositories", () => {
  it("asks only for PRs merged since the last run, and stores each found PR once", async () => {
    const firstRunAt = new Date(app.clock.now);
    const queries: string[] = [];
    // Recorded when the search is answered: nock may try a query matcher on other requests too.
    const github = nock(app.apiUrl)
      .get("/search/issues")
      .query(true)
      .reply(200, (uri) => {
        queries.push(searchQueryOf(uri));
        return { total_count: 2, incomplete_results: false, items: [searchItem("acme/tools", 7), searchItem("acme/tools", 8)] };
      })
      .get("/repos/acme/tools/pulls/7")
      .reply(200, pullRequest("acme/tools", 7, 8_100_007))
      // #8's author is someone else: the search index can be stale; the PR itself decides.
      .get("/repos/acme/tools/pulls/8")
      .reply(200, pullRequest("acme/tools", 8, 8_100_008, { githubId: 1, login: "octocat" }));
    // Enrichment of #7 may run meanwhile: answer it too (not part of what is asserted here).
    const enrichment = nock(app.apiUrl).persist().get(/\/repos\/acme\/tools\/pulls\/7(\/files)?/).reply(200, (uri) => (uri.includes("/files") ? [] : pullRequest("acme/tools", 7, 8_100_007)));

    await app.illuminate.queue.add("portfolio.search-user", { userId: mona.userId }, { jobId: "search-first" });
    await waitFor(stateOf, 15_000, "first search recorded");
    expect(queries).toEqual(["is:pr is:merged author:mona -user:mona"]);
    expect((await stateOf())!.toISOString()).toBe(firstRunAt.toISOString());
    github.done();

    // Less than the user token's 8 hours, so no refresh is needed for the second run.
    app.clock.advance(6 * 3600_000);
    const second = nock(app.apiUrl)
      .get("/search/issues")
      .query(true)
      .reply(200, (uri) => {
        queries.push(searchQueryOf(uri));
        return { total_count: 1, incomplete_results: false, items: [searchItem("acme/tools", 7)] };
      });
    await app.illuminate.queue.add("portfolio.search-user", { userId: mona.userId }, { jobId: "search-second" });
    await waitFor(async () => (await stateOf())!.getTime() > firstRunAt.getTime(), 15_000, "second search recorded");
    second.done();
    enrichment.persist(false);
    expect(queries[1]).toBe(`is:pr is:merged author:mona -user:mona merged:>=${firstRunAt.toISOString().replace(/\.\d{3}Z$/, "Z")}`);
    const rows = await app.db.knex("contributions").where({ repo_full_name: "acme/tools" }).select("pr_number", "source", "user_id");
    expect(rows).toEqual([{ pr_number: 7, source: "search", user_id: mona.userId }]);
  });

  it("a PR already stored from a webhook is not fetched again and stays one row", async () => {
    await seedContribution(app.db.knex, { userId: null, ...MONA }, { githubPrId: 8_200_001, repoFullName: "hooked/repo", prNumber: 3, mergedAt: new Date("2025-10-01T00:00:00Z") });
    const github = nock(app.apiUrl).get("/search/issues").query(true).reply(200, { total_count: 1, incomplete_results: false, items: [searchItem("hooked/repo", 3)] });
    const result = await searchMergedPullRequests({
      knex: app.db.knex,
      queue: app.queue,
      octokit: app.illuminate.github.forUser("ghu_test"),
      budget: createRateBudget({ perWindow: 30, windowMs: 60_000 }),
      owner: { userId: mona.userId, ...MONA },
      since: null,
    });
    github.done();
    expect(result).toEqual({ searched: 1, found: 1, added: 0 });
    expect(await app.db.knex("contributions").where({ repo_full_name: "hooked/repo" }).select("source")).toEqual([{ source: "webhook" }]);
  });

  it("never sends more than 30 search requests in any minute, and waits out GitHub's reset when it says the budget is spent", async () => {
    let clock = 0;
    const budget = createRateBudget({ perWindow: 30, windowMs: 60_000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    const sentAt: number[] = [];
    const fullPage = Array.from({ length: 100 }, (_, i) => searchItem("mona/own", i + 1));
    // 4 users × 10 full pages = 40 search requests; every hit is in the user's own repo (skipped).
    const github = nock(app.apiUrl)
      .get("/search/issues")
      .query(true)
      .times(40)
      .reply(() => {
        sentAt.push(clock);
        // After the 35th request GitHub says the search budget is spent until 5 minutes from now.
        const headers = sentAt.length === 35 ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String((clock + 300_000) / 1000) } : { "x-ratelimit-remaining": "10" };
        return [200, { total_count: 1000, incomplete_results: false, items: fullPage }, headers];
      });
    for (let n = 0; n < 4; n++) {
      const result = await searchMergedPullRequests({
        knex: app.db.knex,
        queue: app.queue,
        octokit: app.illuminate.github.forUser("ghu_test"),
        budget,
        owner: { userId: mona.userId, githubId: MONA.githubId, login: "mona" },
        since: new Date("2025-01-01T00:00:00Z"),
      });
      expect(result).toEqual({ searched: 10, found: 0, added: 0 });
    }
    github.done();
    expect(sentAt).toHaveLength(40);
    for (let i = 30; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 30]!, `request ${i}`).toBeGreaterThanOrEqual(60_000);
    expect(sentAt[35]! - sentAt[34]!).toBeGreaterThanOrEqual(300_000);
  });

  it("builds the query from the login and the last run's instant", () => {
    expect(searchQuery("mona", null)).toBe("is:pr is:merged author:mona -user:mona");
    expect(searchQuery("mona", new Date("2025-10-01T12:34:56.789Z"))).toBe("is:pr is:merged author:mona -user:mona merged:>=2025-10-01T12:34:56Z");
  });
});
