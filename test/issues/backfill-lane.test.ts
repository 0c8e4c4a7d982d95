import nock from "nock";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { EXAMPLE_REPOSITORY_ID } from "../fixtures/github/derived-payloads.js";
import { rateLimit } from "../fixtures/github/graphql-payloads.js";
import { webhookExample } from "../helpers/github-webhooks.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestLanedQueue } from "../helpers/test-queue.js";
import { deliver, issueRow, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

// The product's queue has lanes (docs/architecture.md, "Lanes"): here the app runs on one, as in
// production, and an installation's backfill is held up by a slow GitHub.
let db: Db;
let app: IndexTestApp;

beforeEach(async () => {
  db = await createTestDb();
  const queue = createTestLanedQueue();
  app = await startIndexApp({ db, queue });
});

afterEach(async () => {
  await app?.close();
  await db?.close();
  nock.cleanAll();
});

const syncRow = () => db.knex("repository_syncs").where({ repository_id: EXAMPLE_REPOSITORY_ID }).first();

it("indexes a webhook delivery while the installation's backfill is still waiting on GitHub", async () => {
  let answerBackfill!: () => void;
  const githubAnswers = new Promise<void>((resolve) => (answerBackfill = resolve));
  nock("https://api.github.com")
    .post("/app/installations/957387/access_tokens")
    .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z" })
    .post("/graphql")
    .reply(async () => {
      // GitHub answers at last: the repository is gone, which ends the backfill for good.
      await githubAnswers;
      return [200, { data: { rateLimit: rateLimit(4999), repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository" }] }];
    });

  expect((await deliver(app, db, "installation", webhookExample("installation", "created"))).status).toBe("processed");
  await waitFor(async () => ((await syncRow())?.status === "running" ? true : undefined), 15_000, "backfill waiting on GitHub");

  // Behind the backfill in one queue, this delivery would wait as long as GitHub does.
  const opened = webhookExample("issues", "opened");
  expect((await deliver(app, db, "issues", opened)).status).toBe("processed");
  expect(await issueRow(db, (opened.issue as { id: number }).id)).toMatchObject({ state: "open" });
  expect((await syncRow())?.status).toBe("running");

  answerBackfill();
  await waitFor(async () => ((await syncRow())?.status === "failed" ? true : undefined), 15_000, "backfill finished");
});
