import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { BOT_MARKER } from "../../src/guidance/bot/render-bot-comment.js";
import type { Queue } from "../../src/queue/types.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "./fixtures.js";
import { GITHUB, issuesPayload, nockInstallationToken, nockRepositoryReads, seedIssue, type Seeded } from "./harness.js";

let db: Db;
let queue: Queue;
let app: TestApp;

beforeEach(async () => {
  db = await createTestDb();
  queue = createTestQueue(silentLog);
});

afterEach(async () => {
  await app?.close();
  await db.close();
});

const node = loadRepoFixture("node");
const FORMAT_LINE = "export function formatLine(value: unknown): string {\n  return JSON.stringify(value);\n}\n";
const b64 = (text: string) => Buffer.from(text).toString("base64");

function nockConfig(seeded: Seeded, config: { repo?: string; org?: string }, times = 1) {
  const scope = nock(GITHUB);
  const path = "/contents/.github/illuminate.yml";
  if (config.repo === undefined) scope.get(`/repos/${seeded.owner}/${seeded.repo}${path}`).times(times).reply(404, { message: "Not Found" });
  else scope.get(`/repos/${seeded.owner}/${seeded.repo}${path}`).times(times).reply(200, { type: "file", path: ".github/illuminate.yml", encoding: "base64", content: b64(config.repo) });
  if (config.repo === undefined) {
    if (config.org === undefined) scope.get(`/repos/${seeded.owner}/.github${path}`).times(times).reply(404, { message: "Not Found" });
    else scope.get(`/repos/${seeded.owner}/.github${path}`).times(times).reply(200, { type: "file", path: ".github/illuminate.yml", encoding: "base64", content: b64(config.org) });
  }
  return scope;
}

function nockFile(seeded: Seeded, path: string, text: string, times = 1) {
  return nock(GITHUB).get(`/repos/${seeded.owner}/${seeded.repo}/contents/${path}`).times(times).reply(200, { type: "file", path, sha: "c".repeat(40), size: text.length, encoding: "base64", content: b64(text) });
}

async function deliver(event: string, payload: Record<string, unknown>) {
  const sent = await sendWebhook(app.baseUrl, event, payload);
  expect(sent.status).toBe(200);
  await waitFor(async () => ["processed", "skipped"].includes((await db.knex("webhook_deliveries").where({ delivery_id: sent.deliveryId }).first())?.status), 10_000, `${event} processed`);
}

const labeled = (seeded: Seeded, label: string, labels: string[], extra: { locked?: boolean } = {}) =>
  issuesPayload(seeded, "labeled", { label, labels, locked: extra.locked }, webhookExample("issues", "labeled"));

const queueIdle = async () => {
  const health = await queue.health();
  return (health.waiting ?? 0) + (health.active ?? 0) === 0;
};

describe("the bot comment on labelled issues", () => {
  it("is posted once when a configured label is added, edited in place on relabel and on edit, and left alone when a label is removed", async () => {
    const seeded = await seedIssue(db, { labels: ["bug"] });
    nockInstallationToken(seeded.installationId);
    nockConfig(seeded, {}, 3);
    nockRepositoryReads(seeded, node, { times: 3 });
    nockFile(seeded, "src/pretty/format-line.ts", FORMAT_LINE, 2);
    nockFile(seeded, "src/levels.ts", "export const levels = {};\n");
    const bodies: Array<{ method: string; body: string }> = [];
    const writes = nock(GITHUB)
      .post(`/repos/${seeded.owner}/${seeded.repo}/issues/${seeded.number}/comments`, (b: { body: string }) => (bodies.push({ method: "POST", body: b.body }), true))
      .reply(201, { id: 5551, body: "", user: { login: "illuminate[bot]", type: "Bot" } })
      .patch(`/repos/${seeded.owner}/${seeded.repo}/issues/comments/5551`, (b: { body: string }) => (bodies.push({ method: "PATCH", body: b.body }), true))
      .times(2)
      .reply(200, { id: 5551 });
    app = await startTestApp({ db, queue, deps: process.env.DEBUG_BOT ? { log: (await import("pino")).pino({ level: "debug" }) } : {} });

    await deliver("issues", labeled(seeded, "good first issue", ["bug", "good first issue"]));
    await waitFor(async () => Number((await db.knex("bot_comments").where({ issue_id: seeded.issueId }).first())?.comment_id) === 5551, 10_000, "comment stored");
    const posted = bodies[0]!.body;
    expect(bodies.map((b) => b.method)).toEqual(["POST"]);
    expect(posted.startsWith(BOT_MARKER)).toBe(true);
    expect(posted).toContain(`[Read the deep dive](${app.illuminate.config.publicUrl}/issues/${seeded.owner}/${seeded.repo}/${seeded.number})`);
    expect(posted).toContain("**What it touches:** `src/pretty/format-line.ts`");
    expect(posted).toContain("**Setup:** `npm ci`");
    expect(posted).toContain("**First file to read:** `src/pretty/format-line.ts`");
    expect(posted).toContain("**Status:** nobody has claimed it yet");
    expect(posted).toContain('labelled "good first issue"');

    await deliver("issues", labeled(seeded, "help wanted", ["bug", "good first issue", "help wanted"]));
    await waitFor(async () => bodies.length === 2, 10_000, "relabel edit");
    expect(bodies[1]!.method).toBe("PATCH");
    expect(bodies[1]!.body).toContain('labelled "good first issue" and "help wanted"');

    const edited = issuesPayload(seeded, "edited", { body: "The crash is in `src/levels.ts` after all.", labels: ["bug", "good first issue", "help wanted"], updatedAt: new Date(Date.now() + 5_000).toISOString() }, webhookExample("issues", "edited"));
    edited.changes = { body: { from: "old" } };
    await deliver("issues", edited);
    await waitFor(async () => bodies.length === 3, 10_000, "edit edit");
    expect(bodies[2]!.method).toBe("PATCH");
    expect(bodies[2]!.body).toContain("**What it touches:** `src/levels.ts`");

    await deliver("issues", issuesPayload(seeded, "unlabeled", { label: "help wanted", labels: ["bug", "good first issue"] }, webhookExample("issues", "unlabeled")));
    await waitFor(queueIdle, 10_000, "queue idle");
    writes.done();
    expect(bodies).toHaveLength(3);
    expect(await db.knex("bot_comments").where({ issue_id: seeded.issueId }).count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(1);
  });

  it("is not posted when the repository's .github/illuminate.yml turns it off", async () => {
    const seeded = await seedIssue(db, { labels: [] });
    nockInstallationToken(seeded.installationId);
    const config = nockConfig(seeded, { repo: "enabled: false\n" });
    const post = nock(GITHUB).post(`/repos/${seeded.owner}/${seeded.repo}/issues/${seeded.number}/comments`).reply(201, { id: 1 });
    app = await startTestApp({ db, queue, deps: process.env.DEBUG_BOT ? { log: (await import("pino")).pino({ level: "debug" }) } : {} });
    await deliver("issues", labeled(seeded, "good first issue", ["good first issue"]));
    await waitFor(async () => config.isDone() && (await queueIdle()), 10_000, "config read");
    expect(post.isDone()).toBe(false);
    expect(await db.knex("bot_comments").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(0);
  });

  it("follows the organisation's .github repository when the repository has no config: its labels and template", async () => {
    const seeded = await seedIssue(db, { labels: [] });
    nockInstallationToken(seeded.installationId);
    nockConfig(seeded, { org: "labels: [first-timers-only]\nmentionAvailability: false\ncommentTemplate: |\n  Hi! Start with {{setup}}, then read {{firstFile}}. Details: {{link}}\n" }, 2);
    nockRepositoryReads(seeded, node);
    nockFile(seeded, "src/pretty/format-line.ts", FORMAT_LINE);
    let body = "";
    const post = nock(GITHUB).post(`/repos/${seeded.owner}/${seeded.repo}/issues/${seeded.number}/comments`, (b: { body: string }) => ((body = b.body), true)).reply(201, { id: 777 });
    app = await startTestApp({ db, queue, deps: process.env.DEBUG_BOT ? { log: (await import("pino")).pino({ level: "debug" }) } : {} });
    // A default label is not one this organisation asked for.
    await deliver("issues", labeled(seeded, "good first issue", ["good first issue"]));
    await deliver("issues", labeled(seeded, "first-timers-only", ["good first issue", "first-timers-only"]));
    await waitFor(async () => post.isDone(), 10_000, "comment posted");
    expect(body).toBe(`${BOT_MARKER}\nHi! Start with \`npm ci\`, then read \`src/pretty/format-line.ts\`. Details: ${app.illuminate.config.publicUrl}/issues/${seeded.owner}/${seeded.repo}/${seeded.number}`);
  });

  it("reads the repository's config once for a burst of labels, and again once a push changes it", async () => {
    const seeded = await seedIssue(db, { labels: [] });
    nockInstallationToken(seeded.installationId);
    let reads = 0;
    nock(GITHUB)
      .get(`/repos/${seeded.owner}/${seeded.repo}/contents/.github/illuminate.yml`)
      .times(5)
      .reply(200, () => ((reads += 1), { type: "file", path: ".github/illuminate.yml", encoding: "base64", content: b64("labels: [\"good first issue\"]\n") }));
    app = await startTestApp({ db, queue });

    // Labels the bot does not answer: each needs the config to know that, one read serves them all.
    for (const label of ["bug", "wontfix", "triage"]) await deliver("issues", labeled(seeded, label, [label]));
    await waitFor(queueIdle, 10_000, "queue idle");
    expect(reads).toBe(1);

    // A push to the default branch that edits the file: the next label reads it again.
    const push = structuredClone(webhookExample("push")) as { repository: { owner: object }; head_commit: object | null } & Record<string, unknown>;
    const commit = { ...(push.head_commit ?? {}), added: [], removed: [], modified: [".github/illuminate.yml"] };
    Object.assign(push, { ref: "refs/heads/main", installation: { id: seeded.installationId }, commits: [commit], head_commit: commit });
    Object.assign(push.repository, { id: seeded.repositoryId, name: seeded.repo, full_name: `${seeded.owner}/${seeded.repo}`, default_branch: "main" });
    Object.assign(push.repository.owner, { login: seeded.owner, name: seeded.owner });
    await deliver("push", push);
    await deliver("issues", labeled(seeded, "duplicate", ["duplicate"]));
    await waitFor(queueIdle, 10_000, "queue idle");
    expect(reads).toBe(2);
    expect(await db.knex("bot_comments").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(0);
  });

  it("is never posted on a locked issue nor on a pull request", async () => {
    const seeded = await seedIssue(db, { labels: [], locked: true });
    const anything = nock(GITHUB).post(/.*/).reply(201, {}).get(/.*/).reply(200, {});
    app = await startTestApp({ db, queue, deps: process.env.DEBUG_BOT ? { log: (await import("pino")).pino({ level: "debug" }) } : {} });
    await deliver("issues", labeled(seeded, "good first issue", ["good first issue"], { locked: true }));
    const pr = structuredClone(webhookExample("pull_request", "labeled")) as Record<string, any>;
    Object.assign(pr.repository, { id: seeded.repositoryId, name: seeded.repo, full_name: `${seeded.owner}/${seeded.repo}` });
    pr.installation = { id: seeded.installationId };
    pr.label = { ...(pr.label ?? {}), name: "good first issue" };
    await deliver("pull_request", pr);
    await waitFor(queueIdle, 10_000, "queue idle");
    expect(anything.isDone()).toBe(false);
    expect(nock.pendingMocks()).toHaveLength(2);
    expect(await db.knex("bot_comments").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(0);
  });

  it("writes at most once per second per installation", async () => {
    const first = await seedIssue(db, { labels: [], number: 1, body: "No file named." });
    const second = { ...first, issueId: first.issueId + 1, number: 2 };
    await db.knex("issues").insert({ id: second.issueId, repository_id: first.repositoryId, number: 2, title: "Docs typo", body: "No file named.", labels: [], github_created_at: new Date(), github_updated_at: new Date() });
    nockInstallationToken(first.installationId);
    nockConfig(first, {}, 2);
    nockRepositoryReads(first, node, { times: 2 });
    const at: number[] = [];
    nock(GITHUB).post(/\/issues\/[12]\/comments$/).times(2).reply(201, () => (at.push(Date.now()), { id: 9_000 + at.length }));
    app = await startTestApp({ db, queue, deps: process.env.DEBUG_BOT ? { log: (await import("pino")).pino({ level: "debug" }) } : {} });
    await Promise.all([deliver("issues", labeled(first, "help wanted", ["help wanted"])), deliver("issues", labeled(second, "help wanted", ["help wanted"]))]);
    await waitFor(async () => at.length === 2, 15_000, "two comments");
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
  });
});
