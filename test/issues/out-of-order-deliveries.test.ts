import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { commentEvent, issueEvent, pullRequestEvent } from "../fixtures/github/derived-payloads.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliverAll, seedInstallation, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

const apps: IndexTestApp[] = [];
const dbs: Db[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const db of dbs.splice(0)) await db.close();
});

/** A realistic life of one issue and its neighbours, in the order GitHub produced it. */
function history(): Array<[string, Record<string, unknown>]> {
  const other = { id: 700002, number: 43 };
  return [
    ["issues", issueEvent({ action: "opened", minute: 1 })],
    ["issues", issueEvent({ action: "labeled", minute: 2, labels: ["good first issue", "docs"] })],
    ["issue_comment", commentEvent({ action: "created", commentId: 11, body: "Can I take this one?", author: "bob", minute: 3, issue: { labels: ["good first issue", "docs"], comments: 1 } })],
    ["issues", issueEvent({ action: "assigned", minute: 4, labels: ["good first issue", "docs"], assignees: ["bob"], comments: 1, extra: { assignee: { login: "bob" } } })],
    ["issue_comment", commentEvent({ action: "created", commentId: 12, body: "Thanks! Assigned.", author: "maint", association: "OWNER", minute: 5, issue: { labels: ["good first issue", "docs"], assignees: ["bob"], comments: 2 } })],
    ["issue_comment", commentEvent({ action: "created", commentId: 13, body: "I'm no longer working on this, sorry", author: "bob", minute: 6, issue: { labels: ["good first issue", "docs"], assignees: ["bob"], comments: 3 } })],
    ["issues", issueEvent({ action: "unassigned", minute: 7, labels: ["good first issue", "docs"], assignees: [], comments: 3, extra: { assignee: { login: "bob" } } })],
    ["issues", issueEvent({ action: "opened", minute: 8, ...other })],
    ["pull_request", pullRequestEvent({ action: "opened", minute: 9, body: "Fixes #43" })],
    ["issue_comment", commentEvent({ action: "created", commentId: 14, body: "I'd like to work on this", author: "erin", minute: 10, issue: { labels: ["good first issue", "docs"], comments: 4 } })],
    ["issues", issueEvent({ action: "unlabeled", minute: 11, labels: ["good first issue"], comments: 4 })],
    ["pull_request", pullRequestEvent({ action: "edited", minute: 12, body: "Fixes #43 and closes #42" })],
    ["issue_comment", commentEvent({ action: "created", commentId: 15, body: "Looks good", author: "maint", association: "OWNER", minute: 13, issue: { ...other, comments: 1 } })],
    ["issues", issueEvent({ action: "closed", minute: 14, state: "closed", ...other, comments: 1 })],
  ];
}

/** Everything the index derived, without our own ids and timestamps. */
async function state(db: Db) {
  const issues = await db.knex("issues").orderBy("id").select(
    "id", "title", "state", "labels", "assignees", "comments_count", "github_updated_at", "closed_at",
    "first_maintainer_response_at", "last_maintainer_activity_at",
  );
  const signals = await db.knex("issue_signals").orderBy(["issue_id", "kind", "source_key"]).select(
    "issue_id", "kind", "source_key", "actor_login", "comment_id", "pr_number", "active", "observed_at", "released_at",
  );
  const pulls = await db.knex("pull_requests").orderBy("number").select("github_id", "state", "merged", "closing_refs", "github_updated_at");
  return { issues, signals, pulls };
}

function shuffle<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let s = seed;
  for (let i = result.length - 1; i > 0; i -= 1) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

async function replay(deliveries: Array<[string, Record<string, unknown>]>) {
  const db = await createTestDb();
  dbs.push(db);
  await seedInstallation(db);
  const app = await startIndexApp({ db, queue: createTestQueue() });
  apps.push(app);
  const outcomes = await deliverAll(app, db, deliveries);
  expect(outcomes.filter((o) => o.status !== "processed")).toEqual([]);
  const result = await state(db);
  await app.close();
  return result;
}

describe("deliveries arriving out of order", () => {
  it("end in the same state as in order, for several shuffles and the reverse", async () => {
    const inOrder = await replay(history());
    // What the history means, so the comparison is against the right thing.
    const issue = inOrder.issues.find((i) => Number(i.id) === 700001)!;
    expect(issue).toMatchObject({ labels: ["good first issue"], assignees: [], comments_count: 4, state: "open" });
    // Codertocat (not the reporter) labelled it at minute 2; the owner commented at minute 5.
    expect(issue.first_maintainer_response_at).toEqual(new Date("2024-01-10T12:02:00Z"));
    expect(issue.last_maintainer_activity_at).toEqual(new Date("2024-01-10T12:05:00Z"));
    const active = inOrder.signals.filter((s) => s.active).map((s) => `${s.issue_id}:${s.kind}:${s.actor_login}`);
    expect(active.sort()).toEqual(["700001:claim:erin", "700001:linked_pr:contributor", "700002:linked_pr:contributor"]);

    for (const order of [shuffle(history(), 7), shuffle(history(), 2024), [...history()].reverse()]) {
      expect(await replay(order)).toEqual(inOrder);
    }
  });
});
