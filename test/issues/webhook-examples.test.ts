import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import {
  commentOnPullRequest,
  EXAMPLE_INSTALLATION_ID,
  issuesClosed,
  pullRequestEdited,
  pullRequestMerged,
  repositoryArchived,
} from "../fixtures/github/derived-payloads.js";
import { waitFor } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { deliver, seedInstallation, startIndexApp, type IndexTestApp } from "./helpers/index-test-app.js";

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];
const EVENTS = ["installation", "installation_repositories", "repository", "issues", "issue_comment", "label", "pull_request", "push"];

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: Db;
let app: IndexTestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = await startIndexApp({ db, queue: createTestQueue() });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

/** Each example starts from an empty index. */
async function resetIndex() {
  for (const table of [
    "contribution_events", "issue_comments", "issue_signals", "issues", "pull_requests", "repository_commits", "repository_syncs",
    "crawl_cursors", "tracked_repositories", "repo_health_snapshots", "repository_activity", "repositories", "installations",
  ]) {
    await db.knex(table).delete();
  }
}

const rows = (table: string, where: Record<string, unknown>) => db.knex(table).where(where);
const one = async (table: string, where: Record<string, unknown>) => (await rows(table, where))[0];

async function assertIssue(payload: Payload, issue: Payload) {
  if (issue.pull_request) {
    expect(await rows("issues", { id: issue.id })).toHaveLength(0);
    return;
  }
  const row = await one("issues", { id: issue.id });
  if (issue.state === undefined || issue.created_at === undefined) {
    // Too sparse to index (the examples' pinned/unpinned lack the state): processed, nothing stored.
    expect(row).toBeUndefined();
    return;
  }
  expect(row).toMatchObject({
    number: issue.number,
    title: issue.title,
    state: issue.state,
    repository_id: payload.repository.id,
    // A payload without labels or assignees says nothing about them: nothing is stored.
    labels: (issue.labels ?? []).map((l: Payload) => l.name),
    assignees: (issue.assignees ?? []).map((a: Payload) => a.login),
    comments_count: issue.comments,
    is_locked: issue.locked,
    milestone: issue.milestone?.title ?? null,
    author_login: issue.user.login,
  });
  expect(row.github_updated_at).toEqual(new Date(issue.updated_at));
  const repository = await one("repositories", { id: payload.repository.id });
  expect(repository.full_name).toBe(payload.repository.full_name);
}

/** What each delivery must leave in the index, checked against the payload itself. */
async function assertRows(event: string, payload: Payload) {
  const action = payload.action;
  switch (event) {
    case "installation": {
      const installation = await one("installations", { id: payload.installation.id });
      expect(installation).toMatchObject({ account_login: payload.installation.account.login });
      if (action === "deleted") expect(installation.deleted_at).toBeInstanceOf(Date);
      if (action === "suspend") expect(installation.suspended_at).toEqual(new Date(payload.installation.suspended_at));
      if (action === "unsuspend") expect(installation.suspended_at).toBeNull();
      if (action === "new_permissions_accepted") expect(installation.permissions).toEqual(payload.installation.permissions);
      for (const repo of action === "created" ? payload.repositories : []) {
        expect(await one("repositories", { id: repo.id })).toMatchObject({ full_name: repo.full_name, installation_id: payload.installation.id, tracked_via: "installation" });
        // The backfill was queued and ran (GitHub says 404 here, so it ends failed, not retrying forever).
        await waitFor(async () => (await one("repository_syncs", { repository_id: repo.id }))?.status === "failed", 10_000, "backfill attempted");
      }
      return;
    }
    case "installation_repositories": {
      expect(await one("installations", { id: payload.installation.id })).toBeDefined();
      for (const repo of payload.repositories_added) {
        expect(await one("repositories", { id: repo.id })).toMatchObject({ full_name: repo.full_name, installation_id: payload.installation.id });
        await waitFor(async () => (await one("repository_syncs", { repository_id: repo.id }))?.status === "failed", 10_000, "backfill attempted");
      }
      for (const repo of payload.repositories_removed) expect((await one("repositories", { id: repo.id }))?.installation_id ?? null).toBeNull();
      return;
    }
    case "repository": {
      const row = await one("repositories", { id: payload.repository.id });
      expect(row).toMatchObject({ full_name: payload.repository.full_name, is_private: payload.repository.private, is_archived: payload.repository.archived });
      if (action === "deleted") expect(row.deleted_at).toBeInstanceOf(Date);
      return;
    }
    case "issues":
      if (action === "transferred") {
        expect((await one("issues", { id: payload.issue.id })).deleted_at).toBeInstanceOf(Date);
        return;
      }
      await assertIssue(payload, payload.issue);
      if (action === "deleted") expect((await one("issues", { id: payload.issue.id })).deleted_at).toBeInstanceOf(Date);
      return;
    case "issue_comment": {
      if (payload.issue.pull_request) {
        expect(await rows("issues", { id: payload.issue.id })).toHaveLength(0);
        const pr = await one("pull_requests", { repository_id: payload.repository.id, number: payload.issue.number });
        expect(pr.first_response_at).toEqual(new Date(payload.comment.created_at));
        return;
      }
      await assertIssue(payload, payload.issue);
      const comment = await one("issue_comments", { id: payload.comment.id });
      expect(comment).toMatchObject({ issue_id: payload.issue.id, author_login: payload.comment.user.login });
      expect(comment.deleted_at !== null).toBe(action === "deleted");
      return;
    }
    case "label":
      expect(await rows("issues", {}).whereRaw("? = any(labels)", [payload.label.name])).toHaveLength(0);
      return;
    case "pull_request": {
      const pr = payload.pull_request;
      const row = await one("pull_requests", { github_id: pr.id });
      expect(row).toMatchObject({ number: pr.number, state: pr.state, merged: Boolean(pr.merged_at), is_draft: pr.draft, author_login: pr.user.login });
      expect(await rows("contribution_events", { github_pr_id: pr.id })).toHaveLength(pr.merged_at ? 1 : 0);
      return;
    }
    case "push": {
      const commits = await rows("repository_commits", { repository_id: payload.repository.id });
      const toDefault = payload.ref === `refs/heads/${payload.repository.default_branch}`;
      expect(commits.map((c) => c.sha).sort()).toEqual(toDefault ? payload.commits.map((c: Payload) => c.id).sort() : []);
      return;
    }
  }
}

/** GitHub Apps' deliveries always name the installation; the examples often do not. */
function asAppDelivery(event: string, example: Payload): Payload {
  const payload = structuredClone(example);
  if (!event.startsWith("installation") && !payload.installation) payload.installation = { id: EXAMPLE_INSTALLATION_ID };
  return payload;
}

const cases: Array<[string, string, Payload]> = [
  ...EVENTS.flatMap((event) =>
    examples
      .find((d) => d.name === event)!
      .examples.map((example, i): [string, string, Payload] => [event, `${(example as Payload).action ?? "push"} #${i}`, example as Payload]),
  ),
  ["issues", "closed (derived)", issuesClosed()],
  ["pull_request", "closed and merged (derived)", pullRequestMerged()],
  ["pull_request", "edited (derived)", pullRequestEdited("Now it fixes #1")],
  ["issue_comment", "created on a pull request (derived)", commentOnPullRequest()],
  ["repository", "archived (derived)", repositoryArchived(true)],
  ["repository", "unarchived (derived)", repositoryArchived(false)],
];

describe("every relevant @octokit/webhooks-examples payload, over HTTP with a real signature", () => {
  it.each(cases)("%s %s lands in the index", async (event, _name, example) => {
    await resetIndex();
    nock.cleanAll();
    const github = nock("https://api.github.com")
      .persist()
      .post(/\/app\/installations\/\d+\/access_tokens/)
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" })
      .post("/graphql")
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/graphql" });
    if (!event.startsWith("installation")) await seedInstallation(db);
    const payload = asAppDelivery(event, example);
    const outcome = await deliver(app, db, event, payload);
    if (event === "label" && payload.action === "created") {
      expect(outcome).toEqual({ status: "skipped", error: "no handler for label.created" });
      return;
    }
    expect(outcome).toEqual({ status: "processed", error: null });
    await assertRows(event, payload);
    github.persist(false);
  });
});
