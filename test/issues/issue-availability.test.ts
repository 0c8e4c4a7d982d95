import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { getIssueAvailability } from "../../src/issues/issues-service.js";
import { commentEvent, issueEvent, pullRequestEvent } from "../fixtures/github/derived-payloads.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { activeSignals, deliver, seedInstallation, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

let db: Db;
let app: IndexTestApp;
const ISSUE = 700001;

beforeEach(async () => {
  db = await createTestDb();
  await seedInstallation(db);
  app = await startIndexApp({ db, queue: createTestQueue() });
  await deliver(app, db, "issues", issueEvent({ action: "opened", minute: 1 }));
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const availability = async () => (await getIssueAvailability(db.knex, ISSUE))!;

describe("whether an issue is taken", () => {
  it("a freshly opened issue is available", async () => {
    expect(await availability()).toMatchObject({ available: true, taken: false, state: "open", takenBy: [] });
  });

  it("an assigned issue is taken, and available again once unassigned", async () => {
    await deliver(app, db, "issues", issueEvent({ action: "assigned", minute: 2, assignees: ["alice"], extra: { assignee: { login: "alice" } } }));
    expect(await availability()).toMatchObject({ taken: true, available: false, takenBy: [{ kind: "assignee", login: "alice" }] });

    await deliver(app, db, "issues", issueEvent({ action: "unassigned", minute: 3, assignees: [], extra: { assignee: { login: "alice" } } }));
    expect(await availability()).toMatchObject({ taken: false, available: true });
    expect(await db.knex("issue_signals").where({ issue_id: ISSUE, kind: "assignee" })).toEqual([]);
    const unassigned = await db.knex("issue_signals").where({ issue_id: ISSUE, kind: "release" }).first();
    expect(unassigned).toMatchObject({ actor_login: "alice", active: false, comment_id: null });
    expect(unassigned.observed_at).toEqual(new Date("2024-01-10T12:03:00Z"));
  });

  it("a claim comment takes the issue and the claimer's later release frees it", async () => {
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 1, body: "Hi! Can I work on this?", author: "bob", minute: 5 }));
    expect(await availability()).toMatchObject({ taken: true, takenBy: [{ kind: "claim", login: "bob" }] });
    expect((await availability()).takenBy[0]!.since).toEqual(new Date("2024-01-10T12:05:00Z"));

    // Someone else saying they stop changes nothing about bob's claim.
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 2, body: "I'm not working on this anymore", author: "carol", minute: 6 }));
    expect(await activeSignals(db, ISSUE)).toEqual(["claim:bob"]);

    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 3, body: "Sorry, I'm no longer working on this.", author: "bob", minute: 7 }));
    expect(await availability()).toMatchObject({ taken: false, available: true });
    const claim = await db.knex("issue_signals").where({ issue_id: ISSUE, kind: "claim" }).first();
    expect(claim.released_at).toEqual(new Date("2024-01-10T12:07:00Z"));
  });

  it("unassigning the claimer releases their claim too", async () => {
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 1, body: "/assign", author: "bob", minute: 5 }));
    await deliver(app, db, "issues", issueEvent({ action: "assigned", minute: 6, assignees: ["bob"], comments: 1, extra: { assignee: { login: "bob" } } }));
    expect(await activeSignals(db, ISSUE)).toEqual(["assignee:bob", "claim:bob"]);
    await deliver(app, db, "issues", issueEvent({ action: "unassigned", minute: 8, assignees: [], comments: 1, extra: { assignee: { login: "bob" } } }));
    expect(await activeSignals(db, ISSUE)).toEqual([]);
    expect((await availability()).available).toBe(true);
  });

  it("a maintainer's or a bot's comment never claims", async () => {
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 1, body: "I'm working on it", author: "maint", association: "MEMBER", minute: 5 }));
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 2, body: "/assign", author: "helper[bot]", minute: 6 }));
    expect(await availability()).toMatchObject({ taken: false });
  });

  it("a claim edited into a question, or deleted, no longer takes the issue", async () => {
    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 1, body: "I'd like to take this", author: "bob", minute: 5 }));
    expect((await availability()).taken).toBe(true);
    const edited = commentEvent({ action: "edited", commentId: 1, body: "Is this reproducible on Linux?", author: "bob", minute: 5 });
    (edited.comment as { updated_at: string }).updated_at = "2024-01-10T12:09:00Z";
    await deliver(app, db, "issue_comment", edited);
    expect((await availability()).taken).toBe(false);

    await deliver(app, db, "issue_comment", commentEvent({ action: "created", commentId: 2, body: "I'll work on this", author: "dave", minute: 10 }));
    expect((await availability()).taken).toBe(true);
    await deliver(app, db, "issue_comment", commentEvent({ action: "deleted", commentId: 2, body: "I'll work on this", author: "dave", minute: 11 }));
    expect((await availability()).taken).toBe(false);
  });

  it("an open pull request that fixes the issue takes it; closed unmerged it releases it", async () => {
    await deliver(app, db, "pull_request", pullRequestEvent({ action: "opened", minute: 5, body: "This fixes #42 by rewriting the parser." }));
    expect(await availability()).toMatchObject({ taken: true, takenBy: [{ kind: "linked_pr", login: "contributor", prNumber: 77 }] });

    await deliver(app, db, "pull_request", pullRequestEvent({ action: "closed", minute: 9, state: "closed", body: "This fixes #42 by rewriting the parser." }));
    expect(await availability()).toMatchObject({ taken: false, available: true });
  });

  it("a pull request edited to drop its closing keyword unlinks the issue", async () => {
    await deliver(app, db, "pull_request", pullRequestEvent({ action: "opened", minute: 5, body: "Closes #42" }));
    expect((await availability()).taken).toBe(true);
    await deliver(app, db, "pull_request", pullRequestEvent({ action: "edited", minute: 6, body: "Related to #42, but does not close it" }));
    expect((await availability()).taken).toBe(false);
    expect(await db.knex("issue_signals").where({ issue_id: ISSUE, kind: "linked_pr" })).toHaveLength(0);
  });

  it("a claim on a closed issue is recorded and the issue stays unavailable because it is closed", async () => {
    await deliver(app, db, "issues", issueEvent({ action: "closed", minute: 3, state: "closed" }));
    const outcome = await deliver(
      app,
      db,
      "issue_comment",
      commentEvent({ action: "created", commentId: 1, body: "can i work on this?", author: "bob", minute: 4, issue: { state: "closed" } }),
    );
    expect(outcome.status).toBe("processed");
    expect(await activeSignals(db, ISSUE)).toEqual(["claim:bob"]);
    expect(await availability()).toMatchObject({ state: "closed", available: false });
  });
});
