import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { EXAMPLE_INSTALLATION_ID, EXAMPLE_REPOSITORY_ID, pullRequestMerged } from "../fixtures/github/derived-payloads.js";
import { loadRepoFixture } from "../guidance/fixtures.js";
import { nockInstallationToken, nockRepositoryReads, seedIssue } from "../guidance/harness.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation } from "../issues/helpers/index-test-app.js";
import { api, sessionHeaders, type TestUser } from "./notifications-kit.js";

let db: Db;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  await seedInstallation(db);
  app = await startTestApp({ db, queue: createTestQueue(), deps: { webhookRetry: { attempts: 2, backoffMs: 10 } } });
});

afterAll(async () => {
  nock.cleanAll();
  await app?.close();
  await db?.close();
});

interface Item {
  kind: string;
  title: string;
  body: string | null;
  url: string | null;
  data: Record<string, unknown>;
}

const API = "https://api.github.com";

describe("notifications from the other domains", () => {
  it("tells the author of a merged pull request, once, that it joined their portfolio and invites them to reflect", async () => {
    // Codertocat signed up before the webhook: the contribution is theirs.
    await db.knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?)`, [555_001, 21031067, "Codertocat"]);
    const author: TestUser = { userId: 555_001, login: "Codertocat" };
    nock(API)
      .post(`/app/installations/${EXAMPLE_INSTALLATION_ID}/access_tokens`)
      .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" })
      .get("/repos/Codertocat/Hello-World/pulls/2")
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
        base: { repo: { id: EXAMPLE_REPOSITORY_ID, full_name: "Codertocat/Hello-World", private: false, description: "", stargazers_count: 1, topics: [], owner: { login: "Codertocat" } } },
      })
      .get("/repos/Codertocat/Hello-World/pulls/2/files")
      .query({ per_page: "100", page: "1" })
      .reply(200, [{ filename: "README.md", additions: 40, deletions: 12, status: "modified" }]);
    const merged = { ...pullRequestMerged(), installation: { id: EXAMPLE_INSTALLATION_ID } };
    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");
    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");

    const headers = await sessionHeaders(app, db, author, new Date());
    const items = await waitFor(async () => {
      const page = await api<{ items: Item[] }>(app, "GET", "/api/notifications", headers);
      return page.body.items.length >= 2 ? page.body.items : null;
    }, 15_000, "contribution notifications");
    const byKind = Object.fromEntries(items.map((i) => [i.kind, i]));
    expect(byKind.contribution).toMatchObject({ title: "Codertocat/Hello-World#2 was merged and joined your portfolio", body: "Update the README with new information.", url: "/portfolio" });
    expect(byKind.reflection!.title).toBe("What did Codertocat/Hello-World#2 teach you?");
    expect(byKind.reflection!.url).toMatch(/^\/growth\?reflect=\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await api<{ items: Item[] }>(app, "GET", "/api/notifications", headers)).body.items).toHaveLength(2);
  });

  it("tells the watchers of an issue when its deep dive is ready", async () => {
    const seeded = await seedIssue(db, { body: "Colours are missing on Windows terminals." });
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, loadRepoFixture("node"));
    const watcher: TestUser = { userId: 555_002, login: "watcher" };
    await db.knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?)`, [watcher.userId, 555_002, watcher.login]);
    const bystander: TestUser = { userId: 555_003, login: "bystander" };
    await db.knex.raw(`insert into users (id, github_id, login) overriding system value values (?, ?, ?)`, [bystander.userId, 555_003, bystander.login]);
    const headers = await sessionHeaders(app, db, watcher, new Date());
    expect((await api(app, "POST", "/api/watchlist", headers, { issueId: seeded.issueId })).status).toBe(201);

    expect((await api(app, "GET", `/api/issues/${seeded.issueId}/deep-dive`, headers)).status).toBe(202); // being written
    const items = await waitFor(async () => {
      const page = await api<{ items: Item[] }>(app, "GET", "/api/notifications", headers);
      return page.body.items.some((i) => i.kind === "deep_dive_ready") ? page.body.items : null;
    }, 20_000, "deep dive notification");
    expect(items.find((i) => i.kind === "deep_dive_ready")).toMatchObject({
      title: `A deep dive on ${seeded.owner}/${seeded.repo}#${seeded.number} is ready`,
      url: `/issues/${seeded.owner}/${seeded.repo}/${seeded.number}`,
      data: { issueId: seeded.issueId },
    });
    expect(await db.knex("notifications").where({ user_id: bystander.userId })).toHaveLength(0);
  });
});
