import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { EXAMPLE_INSTALLATION_ID, EXAMPLE_REPOSITORY_ID, pullRequestMerged } from "../fixtures/github/derived-payloads.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation, startIndexApp, type IndexTestApp } from "../issues/helpers/index-test-app.js";

let db: Db;
let app: IndexTestApp;

beforeEach(async () => {
  db = await createTestDb();
  await seedInstallation(db);
  app = await startIndexApp({ db, queue: createTestQueue() });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const API = "https://api.github.com";
const contributions = () => db.knex("contributions").orderBy("id").select("*");

/** GitHub's answers for Codertocat/Hello-World#2, as the installation reads them. */
function fakeEnrichmentGithub() {
  return nock(API)
    .post(`/app/installations/${EXAMPLE_INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" })
    .get("/repos/Codertocat/Hello-World/pulls/2")
    .matchHeader("authorization", "token ghs_installation")
    .reply(200, {
      id: 279147437,
      number: 2,
      title: "Update the README with new information.",
      html_url: "https://github.com/Codertocat/Hello-World/pull/2",
      merged: true,
      merged_at: "2019-05-15T15:21:18Z",
      user: { id: 21031067, login: "Codertocat" },
      additions: 40,
      deletions: 12,
      changed_files: 3,
      base: {
        repo: {
          id: EXAMPLE_REPOSITORY_ID,
          full_name: "Codertocat/Hello-World",
          private: false,
          description: "A friendly repository",
          stargazers_count: 42,
          topics: ["demo", "svelte"],
          owner: { login: "Codertocat" },
        },
      },
    })
    .get("/repos/Codertocat/Hello-World/pulls/2/files")
    .query({ per_page: "100", page: "1" })
    .reply(200, [
      { filename: "README.md", additions: 10, deletions: 2, status: "modified" },
      { filename: "src/App.svelte", additions: 20, deletions: 5, status: "modified" },
      { filename: "src/lib/x.ts", additions: 10, deletions: 5, status: "added" },
    ]);
}

describe("contributions detected from merged-PR webhooks", () => {
  it("when a merged PR webhook is delivered twice, one contribution is stored and enriched once", async () => {
    const github = fakeEnrichmentGithub();
    const merged = { ...pullRequestMerged(), installation: { id: EXAMPLE_INSTALLATION_ID } };
    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");
    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");

    const [row] = await waitFor(async () => {
      const rows = await contributions();
      return rows.length > 0 && rows[0].enriched_at ? rows : undefined;
    }, 15_000, "contribution enriched");
    github.done();
    const rows = await contributions();
    expect(rows).toHaveLength(1);
    expect(row).toMatchObject({
      github_pr_id: 279147437,
      author_github_id: 21031067,
      author_login: "Codertocat",
      repo_full_name: "Codertocat/Hello-World",
      pr_number: 2,
      title: "Update the README with new information.",
      url: "https://github.com/Codertocat/Hello-World/pull/2",
      source: "webhook",
      additions: 40,
      deletions: 12,
      changed_files: 3,
      is_private: false,
      first_in_repo: true,
      repo_stars: 42,
      repo_description: "A friendly repository",
      repo_topics: ["demo", "svelte"],
    });
    expect(row.languages).toEqual({ Svelte: 25, TypeScript: 15, Markdown: 12 });
    expect(row.skill_tags).toEqual(["svelte", "typescript", "markdown", "docs"]);
    expect(new Date(row.merged_at).toISOString()).toBe("2019-05-15T15:21:18.000Z");
  });

  it("a merged PR in a repository we have not indexed counts as private until enrichment says otherwise", async () => {
    // The payload's repository is indexed by the webhook itself, so ask the listener directly
    // about one that is not.
    const before = await db.knex("repositories").where({ id: 999_999 }).first();
    expect(before).toBeUndefined();
    const { createContributionListener } = await import("../../src/portfolio/record-contribution.js");
    const queue = createTestQueue();
    const listen = createContributionListener({ knex: db.knex, queue, webUrl: "https://github.com" });
    await listen({
      githubPrId: 1234,
      repositoryId: 999_999,
      repoFullName: "someone/else",
      prNumber: 7,
      authorGithubId: 21031067,
      authorLogin: "Codertocat",
      mergedAt: new Date("2024-01-01T00:00:00Z"),
      detectedVia: "webhook",
    });
    expect(await db.knex("contributions").where({ github_pr_id: 1234 }).first()).toMatchObject({
      is_private: true,
      title: "someone/else#7",
      url: "https://github.com/someone/else/pull/7",
    });
    await queue.close();
  });
});
