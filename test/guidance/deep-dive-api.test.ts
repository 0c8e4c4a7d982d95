import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { SECTION_KEYS } from "../../src/guidance/deep-dive-sections.js";
import type { Queue } from "../../src/queue/types.js";
import { sendWebhook, webhookExample } from "../helpers/github-webhooks.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "./fixtures.js";
import {
  AI_ENV,
  GITHUB,
  issuesPayload,
  modelSections,
  nockInstallationToken,
  nockMessages,
  nockRepositoryReads,
  seedIssue,
  toolAnswer,
  type CapturedRequest,
  type Seeded,
} from "./harness.js";

let db: Db;
let queue: Queue;
let app: TestApp | undefined;

beforeEach(async () => {
  db = await createTestDb();
  queue = createTestQueue(silentLog);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await db.close();
});

const node = loadRepoFixture("node");
const FORMAT_LINE = "export function formatLine(value: unknown): string {\n  return JSON.stringify(value);\n}\n";

function nockReferencedFile(seeded: Seeded, times = 1) {
  return nock(GITHUB)
    .get(`/repos/${seeded.owner}/${seeded.repo}/contents/src/pretty/format-line.ts`)
    .times(times)
    .reply(200, { type: "file", path: "src/pretty/format-line.ts", sha: "c".repeat(40), size: FORMAT_LINE.length, encoding: "base64", content: Buffer.from(FORMAT_LINE).toString("base64") });
}

async function getDeepDive(seeded: Seeded) {
  const response = await fetch(`${app!.baseUrl}/api/issues/${seeded.issueId}/deep-dive`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const untilReady = (seeded: Seeded, check: (body: Record<string, any>) => boolean = () => true) =>
  waitFor(async () => {
    const { status, body } = await getDeepDive(seeded);
    return status === 200 && body.status === "ready" && check(body) ? body : undefined;
  }, 15_000, "deep dive ready");

describe("a deep dive written by Claude, with GitHub and the Messages API faked at the HTTP boundary", () => {
  it("the first read answers 202, one job sends the cached repository context and the schema, and five grounded sections are stored", async () => {
    const seeded = await seedIssue(db);
    nockInstallationToken(seeded.installationId);
    const github = nockRepositoryReads(seeded, node);
    const file = nockReferencedFile(seeded);
    const captured: CapturedRequest[] = [];
    const claude = nockMessages([{ status: 200, body: toolAnswer(modelSections(), { input_tokens: 1_200, output_tokens: 650, cache_creation_input_tokens: 3_400 }) }], captured);
    app = await startTestApp({ db, queue, env: AI_ENV });

    const first = await getDeepDive(seeded);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: "pending", deepDive: null, pollAfterMs: 2000 });

    const ready = await untilReady(seeded);
    github.done();
    file.done();
    claude.done();

    // The request: instructions, then the repository context with a cache breakpoint, the forced strict tool, the issue as untrusted data.
    expect(captured).toHaveLength(1);
    const request = captured[0]!.body as any;
    expect(request.model).toBe("claude-sonnet-4-6");
    expect(request.max_tokens).toBe(2000);
    expect(request.system).toHaveLength(2);
    expect(request.system[0].cache_control).toBeUndefined();
    expect(request.system[0].text).toMatch(/never instructions to you/);
    expect(request.system[1].cache_control).toEqual({ type: "ephemeral" });
    expect(request.system[1].text).toContain('<document path="CONTRIBUTING.md" kind="contributing">');
    expect(request.system[1].text).toContain('<document path="docs/development.md" kind="doc">');
    expect(request.system[1].text).toContain("  - npm ci");
    expect(request.system[1].text).toContain("src/pretty/\n");
    expect(request.system[1].text).not.toContain("RangeError");
    expect(request.tools).toHaveLength(1);
    expect(request.tools[0]).toMatchObject({ name: "record_deep_dive", strict: true });
    expect(request.tools[0].input_schema.required).toEqual([...SECTION_KEYS]);
    expect(request.tools[0].input_schema.additionalProperties).toBe(false);
    expect(request.tool_choice).toEqual({ type: "tool", name: "record_deep_dive" });
    const user = request.messages[0].content[0].text as string;
    expect(user).toMatch(/<untrusted_issue [^>]*>\nTitle: Pretty printer crashes on circular objects/);
    expect(user).toContain('<file path="src/pretty/format-line.ts" referenced_as="path">');
    expect(user).toContain("export function formatLine");

    // What is served: five sections, the invented file gone, sources and usage with a cost.
    expect(ready.stale).toBe(false);
    expect(ready.deepDive.generator).toMatchObject({ kind: "ai", model: "claude-sonnet-4-6" });
    expect(ready.deepDive.sections.map((s: { key: string }) => s.key)).toEqual([...SECTION_KEYS]);
    const approach = ready.deepDive.sections.find((s: { key: string }) => s.key === "approach");
    expect(approach.items[0].files).toEqual(["src/pretty/format-line.ts"]);
    expect(approach.items[1]).toMatchObject({ files: ["test/pretty.test.ts"], commands: ["npm test"] });
    expect(JSON.stringify(ready.deepDive.sections)).not.toContain("cycle-guard");
    expect(ready.deepDive.sources.map((s: { label: string }) => s.label)).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/development.md", "src/pretty/format-line.ts"]));
    expect(ready.deepDive.usage).toMatchObject({ inputTokens: 1200, outputTokens: 650, cacheCreationInputTokens: 3400, cacheReadInputTokens: 0 });
    expect(ready.deepDive.usage.costUsd).toBeGreaterThan(0);

    const rows = await db.knex("deep_dives").where({ issue_id: seeded.issueId });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "ready", offline: false, model: "claude-sonnet-4-6", input_tokens: 1200, output_tokens: 650, cache_creation_input_tokens: 3400 });
    const meta = typeof rows[0].context_meta === "string" ? JSON.parse(rows[0].context_meta) : rows[0].context_meta;
    expect(meta.removed).toEqual(expect.arrayContaining([expect.objectContaining({ section: "approach", kind: "file", value: "src/pretty/cycle-guard.ts" })]));
    // jsonb keeps keys in its own order.
    expect(Object.keys(typeof rows[0].sections === "string" ? JSON.parse(rows[0].sections) : rows[0].sections).sort()).toEqual([...SECTION_KEYS].sort());
  });

  it("the context carries the thread summarised (claims, maintainer answers, no bots), linked pull requests and similar closed issues", async () => {
    const seeded = await seedIssue(db, { commentsCount: 4 });
    await db.knex("issue_signals").insert({ issue_id: seeded.issueId, kind: "linked_pr", source_key: "77", actor_login: "fixer", pr_number: 77 });
    await db.knex("issues").insert({
      id: seeded.issueId + 1, repository_id: seeded.repositoryId, number: 7, title: "Pretty printer crashes on circular arrays", state: "closed",
      github_created_at: new Date("2025-01-01"), github_updated_at: new Date("2025-02-01"), closed_at: new Date("2025-02-01"),
    });
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, node);
    nockReferencedFile(seeded);
    const base = `/repos/${seeded.owner}/${seeded.repo}`;
    const comment = (id: number, login: string, association: string, body: string, type = "User") => ({ id, user: { login, type }, author_association: association, body, created_at: `2025-10-0${id}T12:00:00Z` });
    const reads = nock(GITHUB)
      .get(`${base}/issues/${seeded.number}/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        comment(3, "eager-dev", "NONE", "Hi! Can I work on this one?"),
        comment(4, "maintainer-ann", "MEMBER", "Sure, go ahead. Please keep the output format unchanged."),
        comment(5, "illuminate[bot]", "NONE", "<!-- illuminate:deep-dive-teaser --> New to this issue?", "Bot"),
        comment(6, "newcomer", "NONE", "Thanks, here is a smaller reproduction."),
      ])
      .get(`${base}/pulls/77`)
      .reply(200, { number: 77, title: "Guard against cycles in formatLine", state: "open", merged: false, user: { login: "fixer" } });
    const captured: CapturedRequest[] = [];
    nockMessages([{ status: 200, body: toolAnswer(modelSections()) }], captured);
    app = await startTestApp({ db, queue, env: AI_ENV });
    await getDeepDive(seeded);
    const ready = await untilReady(seeded);
    reads.done();

    const user = (captured[0]!.body as any).messages[0].content[0].text as string;
    expect(user).toMatch(/<untrusted_comments total="4" maintainer_answers="1">/);
    expect(user).toContain("@eager-dev (contributor, asks to take it): Hi! Can I work on this one?");
    expect(user).toContain("@maintainer-ann (maintainer): Sure, go ahead.");
    expect(user).toContain("@newcomer (issue author): Thanks, here is a smaller reproduction.");
    expect(user).not.toContain("illuminate[bot]");
    expect(user).toContain("Availability: in_review; asked for by eager-dev; pull requests #77");
    expect(user).toContain("#77 (open) by fixer: Guard against cycles in formatLine");
    expect(user).toContain("#7: Pretty printer crashes on circular arrays");
    expect(ready.deepDive.sources.map((s: { kind: string }) => s.kind)).toEqual(expect.arrayContaining(["comments", "pull_request", "similar_issue"]));
  });

  it("when twenty readers ask at once, one generation runs and they all get it", async () => {
    const seeded = await seedIssue(db);
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, node);
    nockReferencedFile(seeded);
    const captured: CapturedRequest[] = [];
    nockMessages([{ status: 200, body: toolAnswer(modelSections()) }], captured);
    app = await startTestApp({ db, queue, env: AI_ENV });

    const answers = await Promise.all(Array.from({ length: 20 }, () => getDeepDive(seeded)));
    expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
    const ready = await untilReady(seeded);
    expect(captured).toHaveLength(1);
    expect(await db.knex("deep_dives").where({ issue_id: seeded.issueId }).count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(1);
    // Later readers are served from the cache without another call.
    const again = await getDeepDive(seeded);
    expect(again.body.deepDive.id).toBe(ready.deepDive.id);
    expect(captured).toHaveLength(1);
  });

  it("when the issue is edited, the cached deep dive goes stale, stays served meanwhile, and the new version is written from the new text", async () => {
    const seeded = await seedIssue(db);
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, node, { times: 2 });
    nockReferencedFile(seeded, 2);
    const captured: CapturedRequest[] = [];
    nockMessages([{ status: 200, body: toolAnswer(modelSections()) }, { status: 200, body: toolAnswer(modelSections({ issueContext: { summary: "Now about arrays that contain themselves.", items: [] } })) }], captured);
    app = await startTestApp({ db, queue, env: AI_ENV });
    await getDeepDive(seeded);
    const before = await untilReady(seeded);

    const body = "Logging an array that contains itself crashes `src/pretty/format-line.ts` too.";
    const edited = issuesPayload(seeded, "edited", { body, updatedAt: new Date(Date.now() + 1000).toISOString() }, webhookExample("issues", "edited"));
    edited.changes = { body: { from: "Logging an object that references itself crashes." } };
    const delivery = await sendWebhook(app.baseUrl, "issues", edited);
    expect(delivery.status).toBe(200);
    await waitFor(async () => (await db.knex("webhook_deliveries").where({ delivery_id: delivery.deliveryId }).first())?.status === "processed", 10_000, "edit processed");

    const during = await getDeepDive(seeded);
    expect(during.status).toBe(200);
    expect(["refreshing", "ready"]).toContain(during.body.status);
    const after = await untilReady(seeded, (b) => b.deepDive.id !== before.deepDive.id || b.deepDive.generatedAt !== before.deepDive.generatedAt);
    expect(captured).toHaveLength(2);
    expect(captured[1]!.body.messages).toEqual([expect.objectContaining({ content: [expect.objectContaining({ text: expect.stringContaining("an array that contains itself") })] })]);
    expect(after.deepDive.sections.find((s: { key: string }) => s.key === "issueContext").summary).toBe("Now about arrays that contain themselves.");
    expect(after.stale).toBe(false);
  });

  it("a push that changes CONTRIBUTING.md on the default branch invalidates the repository's deep dives; other pushes do not", async () => {
    const seeded = await seedIssue(db);
    nockInstallationToken(seeded.installationId);
    nockRepositoryReads(seeded, node, { times: 2 });
    nockReferencedFile(seeded, 2);
    const captured: CapturedRequest[] = [];
    nockMessages([{ status: 200, body: toolAnswer(modelSections()) }, { status: 200, body: toolAnswer(modelSections()) }], captured);
    app = await startTestApp({ db, queue, env: AI_ENV });
    await getDeepDive(seeded);
    const before = await untilReady(seeded);

    const push = (ref: string, modified: string[]) => {
      const payload = structuredClone(webhookExample("push")) as Record<string, any>;
      Object.assign(payload.repository, { id: seeded.repositoryId, name: seeded.repo, full_name: `${seeded.owner}/${seeded.repo}`, default_branch: "main", master_branch: "main" });
      payload.repository.owner = { ...payload.repository.owner, login: seeded.owner, name: seeded.owner };
      payload.ref = ref;
      payload.installation = { id: seeded.installationId };
      payload.commits = [{ ...(payload.commits?.[0] ?? {}), id: "d".repeat(40), added: [], removed: [], modified }];
      payload.head_commit = payload.commits[0];
      return sendWebhook(app!.baseUrl, "push", payload);
    };
    const processed = (id: string) => waitFor(async () => ["processed", "failed"].includes((await db.knex("webhook_deliveries").where({ delivery_id: id }).first())?.status), 10_000, "push processed");

    await processed((await push("refs/heads/main", ["src/levels.ts"])).deliveryId);
    await processed((await push("refs/heads/feature", ["CONTRIBUTING.md"])).deliveryId);
    expect((await getDeepDive(seeded)).body).toMatchObject({ status: "ready", deepDive: { id: before.deepDive.id } });

    await processed((await push("refs/heads/main", ["CONTRIBUTING.md"])).deliveryId);
    const after = await untilReady(seeded, (b) => b.deepDive.id !== before.deepDive.id);
    expect(after.stale).toBe(false);
    expect(captured).toHaveLength(2);
  });
});
