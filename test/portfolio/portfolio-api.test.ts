import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../../src/portfolio/export-contributions.js";
import { waitFor } from "../helpers/test-app.js";
import { serveFixtureGithub, signIn, startUsersApp, type SignedIn, type UsersTestApp } from "../users/users-test-kit.js";
import { parseStrictXml } from "./strict-xml.js";
import { parseCsv, seedContribution } from "./portfolio-test-kit.js";

let app: UsersTestApp;
let mona: SignedIn;
const MONA = { githubId: 583231, login: "mona" };

beforeAll(async () => {
  app = await startUsersApp();
  serveFixtureGithub(app);
  mona = await signIn(app, "mona");
  nock.cleanAll();
});

afterAll(async () => {
  await app?.close();
});

const owner = () => ({ userId: mona.userId, ...MONA });
const setPublic = async (value: boolean) => {
  const res = await app.request("/api/users/me/profile", { method: "PATCH", jar: mona.jar, csrf: true, body: JSON.stringify({ publicProfile: value }) });
  expect(res.status).toBe(200);
};

function prAnswer(overrides: Record<string, unknown> = {}) {
  return {
    id: 555001,
    number: 42,
    title: "Teach the parser about tabs",
    html_url: "https://github.com/sveltejs/svelte/pull/42",
    merged: true,
    merged_at: "2025-09-02T10:00:00Z",
    user: { id: MONA.githubId, login: "mona" },
    additions: 5,
    deletions: 1,
    changed_files: 1,
    base: { repo: { id: 9001, full_name: "sveltejs/svelte", private: false, description: "Cybernetically enhanced web apps", stargazers_count: 80000, topics: [], owner: { login: "sveltejs" } } },
    ...overrides,
  };
}

const addByUrl = (url: unknown) => app.request("/api/portfolio/contributions", { method: "POST", jar: mona.jar, csrf: true, body: JSON.stringify({ url }) });

describe("manual add of a pull request URL", () => {
  it("refuses addresses that are not a pull request on the configured GitHub, without calling GitHub", async () => {
    for (const url of ["not a url", "https://github.com/sveltejs/svelte/issues/42", "https://gitlab.com/a/b/pull/1", "javascript:alert(1)", "https://github.com/a/b/pull/0", "https://github.com/<x>/b/pull/1", "https://github.com/a/b/pull/1e3"]) {
      const res = await addByUrl(url);
      expect(res.status, url).toBe(400);
      expect((await res.json()).error.code).toBe("not_a_pull_request_url");
    }
    expect((await addByUrl(42)).status).toBe(400);
    expect((await app.request("/api/portfolio/contributions", { method: "POST", jar: mona.jar, csrf: true, body: "{}" })).status).toBe(400);
  });

  it("refuses an unmerged PR, someone else's PR, and one that does not exist", async () => {
    const github = nock(app.apiUrl)
      .get("/repos/sveltejs/svelte/pulls/43")
      .reply(200, prAnswer({ id: 555002, number: 43, merged: false, merged_at: null }))
      .get("/repos/sveltejs/svelte/pulls/44")
      .reply(200, prAnswer({ id: 555003, number: 44, user: { id: 1, login: "octocat" } }))
      .get("/repos/sveltejs/svelte/pulls/45")
      .reply(404, { message: "Not Found" });
    const unmerged = await addByUrl("https://github.com/sveltejs/svelte/pull/43");
    expect([unmerged.status, (await unmerged.json()).error.code]).toEqual([422, "not_merged"]);
    const foreign = await addByUrl("https://github.com/sveltejs/svelte/pull/44/files");
    const body = await foreign.json();
    expect([foreign.status, body.error.code]).toEqual([422, "not_your_pull_request"]);
    expect(body.error.message).toContain("octocat");
    const missing = await addByUrl("https://github.com/sveltejs/svelte/pull/45");
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, "pull_request_not_found"]);
    github.done();
    expect(await app.db.knex("contributions").whereIn("github_pr_id", [555002, 555003]).count({ n: "*" })).toEqual([{ n: 0 }]);
  });

  it("adds a merged PR of the user's once, verified with their own token; adding it again changes nothing", async () => {
    const token = [...app.tokens].find(([, login]) => login === "mona")![0];
    const github = nock(app.apiUrl, { reqheaders: { authorization: `token ${token}` } })
      .get("/repos/sveltejs/svelte/pulls/42")
      .times(3)
      .reply(200, prAnswer())
      .get("/repos/sveltejs/svelte/pulls/42/files")
      .query(true)
      .reply(200, [{ filename: "src/compiler/parse.js", additions: 5, deletions: 1 }]);
    const first = await addByUrl("https://github.com/sveltejs/svelte/pull/42");
    expect(first.status).toBe(201);
    expect((await first.json()).contribution).toMatchObject({ repository: "sveltejs/svelte", number: 42, title: "Teach the parser about tabs", source: "manual" });
    const again = await addByUrl("https://github.com/sveltejs/svelte/pull/42#issuecomment-1");
    expect(again.status).toBe(200);
    expect((await again.json()).created).toBe(false);
    const enriched = await waitFor(() => app.db.knex("contributions").where({ github_pr_id: 555001 }).whereNotNull("enriched_at").first(), 10_000, "enriched");
    expect(enriched).toMatchObject({ languages: { JavaScript: 6 }, first_in_repo: true, repo_stars: 80000, source: "manual", user_id: mona.userId });
    github.done();
    expect(await app.db.knex("contributions").where({ github_pr_id: 555001 }).count({ n: "*" })).toEqual([{ n: 1 }]);
  });

  it("needs a signed-in user", async () => {
    expect((await app.request("/api/portfolio/contributions", { method: "POST", body: JSON.stringify({ url: "https://github.com/a/b/pull/1" }) })).status).toBe(401);
    expect((await app.request("/api/portfolio/me")).status).toBe(401);
  });
});

describe("public portfolio and README cards", () => {
  it("a portfolio is public only once opted in, and never shows private-repository contributions", async () => {
    await seedContribution(app.db.knex, owner(), { mergedAt: new Date("2025-10-01T10:00:00Z"), repoFullName: "open/thing", title: "Public work" });
    await seedContribution(app.db.knex, owner(), { mergedAt: new Date("2025-10-02T10:00:00Z"), repoFullName: "corp/secret", title: "Secret work", isPrivate: true });
    await setPublic(false);
    expect((await app.request("/api/portfolio/mona")).status).toBe(404);
    expect((await app.request("/api/portfolio/nobody-here")).status).toBe(404);
    await setPublic(true);
    const res = await app.request("/api/portfolio/MONA");
    expect(res.status).toBe(200);
    const body = await res.json();
    const titles = body.contributions.map((c: { title: string }) => c.title);
    expect(titles).toContain("Public work");
    expect(titles).not.toContain("Secret work");
    expect(JSON.stringify(body)).not.toContain("corp/secret");
    const me = await (await app.request("/api/portfolio/me", { jar: mona.jar })).json();
    expect(me.contributions.map((c: { title: string }) => c.title)).toContain("Secret work");
  });

  it("usernames with markup or path segments get a 400, not a lookup", async () => {
    for (const name of ["%3Cscript%3E", "a..b", "-lead", "x%2F..%2Fadmin", "a".repeat(40)]) {
      const res = await app.request(`/api/portfolio/${name}`);
      expect(res.status, name).toBe(400);
    }
    const widget = await app.request("/api/portfolio/%3Cimg%20src%3Dx%3E/widget");
    expect(widget.status).toBe(400);
    expect(widget.headers.get("content-type")).toContain("image/svg+xml");
    parseStrictXml(await widget.text());
  });

  it("the card is an SVG from the database with cache headers for GitHub's proxy, an ETag and 304s, and no GitHub call", async () => {
    await setPublic(true);
    nock.cleanAll();
    const res = await app.request("/api/portfolio/mona/widget?layout=languages&theme=dark&title_color=ff0000");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers.get("cache-control")).toBe("public, max-age=1800, s-maxage=1800, stale-while-revalidate=86400");
    const svg = await res.text();
    expect(svg).toContain("fill:#ff0000");
    expect(svg).toContain("TypeScript");
    parseStrictXml(svg);
    const etag = res.headers.get("etag")!;
    const again = await app.request("/api/portfolio/mona/widget?layout=languages&theme=dark&title_color=ff0000", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // A new contribution is a new version: once the minute a card is reused has passed, the old ETag no longer matches.
    await seedContribution(app.db.knex, owner(), { mergedAt: new Date("2025-10-05T10:00:00Z"), repoFullName: "open/thing", languages: { Go: 50 } });
    const reused = await app.request("/api/portfolio/mona/widget?layout=languages&theme=dark&title_color=ff0000", { headers: { "if-none-match": etag } });
    expect(reused.status).toBe(304);
    app.clock.advance(61_000);
    const changed = await app.request("/api/portfolio/mona/widget?layout=languages&theme=dark&title_color=ff0000", { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("Go");
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("an unknown or private user gets a 200 error card with a short cache; a bad colour a 400 card", async () => {
    const unknown = await app.request("/api/portfolio/nobody-here/widget");
    expect(unknown.status).toBe(200);
    expect(unknown.headers.get("cache-control")).toBe("public, max-age=300, s-maxage=300");
    expect(await unknown.text()).toContain("No public portfolio");
    await setPublic(false);
    app.clock.advance(61_000);
    const hidden = await app.request("/api/portfolio/mona/widget");
    expect([hidden.status, hidden.headers.get("cache-control")]).toEqual([200, "public, max-age=300, s-maxage=300"]);
    expect(await hidden.text()).not.toContain("Public work");
    await setPublic(true);
    const bad = await app.request(`/api/portfolio/mona/widget?title_color=${encodeURIComponent("fff\"/><script>alert(1)</script>")}`);
    expect(bad.status).toBe(400);
    const svg = await bad.text();
    expect(svg).not.toContain("<script");
    expect(svg).toContain("hex colour");
    parseStrictXml(svg);
  });
});

describe("export", () => {
  it("CSV export is streamed RFC 4180 that round-trips through a CSV parser, commas, quotes and newlines included", async () => {
    const tricky = 'Fix "quoted", comma\r\nand newline; =SUM(A1) ünïcødé';
    await seedContribution(app.db.knex, owner(), { mergedAt: new Date("2025-11-01T10:00:00Z"), repoFullName: "open/csv", title: tricky, languages: { Go: 3, Python: 1 } });
    const res = await app.request("/api/portfolio/me/export?format=csv", { jar: mona.jar });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="illuminate-mona-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const total = await app.db.knex("contributions").where({ author_github_id: MONA.githubId }).count({ n: "*" });
    expect(rows.length - 1).toBe(Number(total[0]!.n));
    const row = rows.find((r) => r[1] === "open/csv")!;
    expect(row[3]).toBe(tricky);
    expect(row[8]).toBe("Go;Python");
    expect(row.every((field) => typeof field === "string")).toBe(true);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
  });

  it("JSON export holds every contribution, private ones included (it is the user's own data)", async () => {
    const res = await app.request("/api/portfolio/me/export?format=json", { jar: mona.jar });
    const body = await res.json();
    expect(body.login).toBe("mona");
    expect(body.contributions.map((c: { repository: string }) => c.repository)).toContain("corp/secret");
    expect((await app.request("/api/portfolio/me/export?format=xml", { jar: mona.jar })).status).toBe(400);
  });
});
