import type { Db } from "../../src/db/types.js";
import { saveBotComment } from "../../src/guidance/bot/bot-comment-store.js";
import { claimVersion, saveReady, type ContextMeta } from "../../src/guidance/deep-dive-store.js";
import { computeRepositoryHealth } from "../../src/issues/health/compute-repository-health.js";
import { EXAMPLE_REPOSITORY_ID, commentEvent, issueEvent } from "../fixtures/github/derived-payloads.js";
import { modelSections } from "../guidance/harness.js";
import { deliverAll } from "../issues/helpers/index-test-app.js";
import type { TestApp } from "../helpers/test-app.js";

/** Issue ids of the seeded repository, Codertocat/Hello-World. */
export const ISSUES = { ready: 700001, candidate: 700002, taken: 700003, notReady: 700004 } as const;

/**
 * A repository as its webhooks leave it: four issues opened by a newcomer (one labelled and free,
 * one unlabelled and small, one labelled but assigned, one waiting for triage), answered by the
 * owner after one hour and by a member after three; two daily health snapshots; a bot comment;
 * a ready deep dive on the labelled issue.
 */
export async function seedMaintainedRepository(app: TestApp, db: Db): Promise<{ deepDiveId: number }> {
  const outcomes = await deliverAll(app, db, [
    ["issues", issueEvent({ action: "opened", minute: 1, id: ISSUES.ready, number: 42, labels: ["good first issue"] })],
    ["issues", issueEvent({ action: "opened", minute: 2, id: ISSUES.candidate, number: 43, labels: ["bug"] })],
    ["issues", issueEvent({ action: "opened", minute: 3, id: ISSUES.taken, number: 44, labels: ["good first issue"] })],
    ["issues", issueEvent({ action: "assigned", minute: 4, id: ISSUES.taken, number: 44, labels: ["good first issue"], assignees: ["alice"], extra: { assignee: { login: "alice" } } })],
    ["issues", issueEvent({ action: "opened", minute: 5, id: ISSUES.notReady, number: 45, labels: ["needs triage"] })],
    ["issue_comment", commentEvent({ action: "created", commentId: 1, body: "Thanks, a fix is welcome.", author: "Codertocat", association: "OWNER", minute: 60, issue: { id: ISSUES.ready, number: 42, labels: ["good first issue"] } })],
    ["issue_comment", commentEvent({ action: "created", commentId: 2, body: "Confirmed on main.", author: "helper", association: "MEMBER", minute: 180, issue: { id: ISSUES.candidate, number: 43, labels: ["bug"] } })],
  ]);
  for (const outcome of outcomes) if (outcome.status !== "processed") throw new Error(`a seed delivery ended ${outcome.status}: ${outcome.error}`);

  await computeRepositoryHealth(db.knex, EXAMPLE_REPOSITORY_ID, new Date("2024-01-20T00:00:00Z"));
  await computeRepositoryHealth(db.knex, EXAMPLE_REPOSITORY_ID, new Date("2024-01-25T00:00:00Z"));
  await saveBotComment(db.knex, ISSUES.ready, 5551, "hash-1");

  const { row } = await claimVersion(db.knex, ISSUES.ready, "v1");
  const meta: ContextMeta = { sources: [], omitted: [], removed: [], tokens: { repository: 0, issue: 0 } };
  await saveReady(db.knex, row.id, {
    sections: modelSections(),
    model: null,
    offline: true,
    meta,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    costUsd: 0,
    error: null,
    now: new Date("2024-01-21T00:00:00Z"),
  });
  return { deepDiveId: row.id };
}
