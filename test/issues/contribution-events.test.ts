import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { createContributionDispatcher } from "../../src/issues/contributions/contribution-dispatcher.js";
import { recordContributionEvent } from "../../src/issues/contributions/contribution-outbox.js";
import { ISSUE_JOBS, type DeliverContributionJobData } from "../../src/issues/issue-jobs.js";
import type { ContributionEvent } from "../../src/issues/issues-service.js";
import { toPullRequestSnapshot } from "../../src/issues/snapshots/from-webhook.js";
import { EXAMPLE_REPOSITORY_ID, pullRequestEvent, pullRequestMerged } from "../fixtures/github/derived-payloads.js";
import { silentLog, waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

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

const outbox = () => db.knex("contribution_events").select("*");

describe("contribution events for merged pull requests", () => {
  it("when a merged PR arrives twice, and again as an edit after the merge, exactly one event is delivered", async () => {
    const events: ContributionEvent[] = [];
    app.issues.onContributionDetected(async (event) => void events.push(event));
    const merged = { ...pullRequestMerged(), installation: { id: 957387 } };

    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");
    expect((await deliver(app, db, "pull_request", merged)).status).toBe("processed");
    const editedAfterMerge = structuredClone(merged) as Record<string, unknown>;
    Object.assign(editedAfterMerge, { action: "edited" });
    Object.assign(editedAfterMerge.pull_request as object, { title: "Update the README (merged)", updated_at: "2019-05-15T16:00:00Z" });
    expect((await deliver(app, db, "pull_request", editedAfterMerge)).status).toBe("processed");

    await waitFor(async () => (await outbox()).every((row) => row.delivered_at !== null) && (await outbox()).length > 0, 10_000, "event delivered");
    expect(events).toEqual([
      {
        githubPrId: 279147437,
        repositoryId: EXAMPLE_REPOSITORY_ID,
        repoFullName: "Codertocat/Hello-World",
        prNumber: 2,
        authorGithubId: 21031067,
        authorLogin: "Codertocat",
        mergedAt: new Date("2019-05-15T15:21:18Z"),
        detectedVia: "webhook",
      },
    ]);
    expect(await outbox()).toHaveLength(1);
    const pr = await db.knex("pull_requests").where({ github_id: 279147437 }).first();
    expect(pr).toMatchObject({ merged: true, state: "closed", title: "Update the README (merged)" });
  });

  it("a PR closed without merging, or opened by a bot, produces no event", async () => {
    await deliver(app, db, "pull_request", pullRequestEvent({ action: "closed", minute: 5, state: "closed", body: "" }));
    const bot = pullRequestEvent({ action: "closed", minute: 6, merged: true, id: 900002, number: 78, body: "Bump lodash" });
    Object.assign((bot.pull_request as { user: object }).user, { login: "dependabot[bot]", type: "Bot" });
    await deliver(app, db, "pull_request", bot);
    expect(await outbox()).toHaveLength(0);
    expect(await db.knex("pull_requests").count({ n: "*" })).toEqual([{ n: 2 }]);
  });

  it("events recorded before anyone listens wait in the outbox and are delivered by the sweeper once someone does", async () => {
    // A dispatcher of its own: the app's already has the portfolio's listener.
    const queue = createTestQueue();
    const dispatcher = createContributionDispatcher({ knex: db.knex, queue, log: silentLog });
    queue.register<DeliverContributionJobData>(ISSUE_JOBS.deliverContribution, (job) => dispatcher.deliver(job.data.githubPrId));
    await queue.start();
    try {
      const pr = toPullRequestSnapshot(pullRequestEvent({ action: "closed", minute: 5, merged: true, body: "" }).pull_request, { id: 1, fullName: "acme/widgets" }, "https://github.com")!;
      expect(await db.knex.transaction((trx) => recordContributionEvent(trx, pr, "webhook"))).toBe(true);
      expect(await db.knex.transaction((trx) => recordContributionEvent(trx, pr, "webhook"))).toBe(false);
      await dispatcher.deliver(900001);
      expect(await dispatcher.sweep()).toBe(0);
      expect(await outbox()).toMatchObject([{ github_pr_id: 900001, delivered_at: null }]);

      const events: ContributionEvent[] = [];
      dispatcher.onContributionDetected(async (event) => void events.push(event));
      expect(await dispatcher.sweep()).toBe(1);
      await waitFor(async () => (await outbox())[0]?.delivered_at, 10_000, "delivered by the sweeper");
      expect(events).toMatchObject([{ githubPrId: 900001, repositoryId: 1, repoFullName: "acme/widgets", prNumber: 77, authorLogin: "contributor" }]);
      expect(await dispatcher.sweep()).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it("a listener that fails is retried and the event is marked delivered only after it succeeds", async () => {
    let calls = 0;
    app.issues.onContributionDetected(async () => {
      calls += 1;
      if (calls === 1) throw new Error("portfolio database hiccup");
    });
    await deliver(app, db, "pull_request", pullRequestEvent({ action: "closed", minute: 5, merged: true, body: "" }));
    await waitFor(async () => (await outbox())[0]?.delivered_at, 20_000, "delivered after a retry");
    expect(calls).toBe(2);
  });
});
