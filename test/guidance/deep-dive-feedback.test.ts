import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import type { Queue } from "../../src/queue/types.js";
import { silentLog, startTestApp, waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { loadRepoFixture } from "./fixtures.js";
import {
  AI_ENV,
  GITHUB,
  modelSections,
  nockInstallationToken,
  nockMessages,
  nockRepositoryReads,
  seedIssue,
  signIn,
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
const api = (path: string, init?: RequestInit) => fetch(`${app!.baseUrl}/api${path}`, init);
const json = async (response: Response) => (await response.json()) as Record<string, any>;

async function readyDeepDive(seeded: Seeded, check: (b: Record<string, any>) => boolean = () => true) {
  return waitFor(async () => {
    const body = await json(await api(`/issues/${seeded.issueId}/deep-dive`));
    return body.status === "ready" && check(body) ? body : undefined;
  }, 15_000, "deep dive ready");
}

/** An issue with no file to fetch, so each generation reads only the repository. */
async function start(replies: Parameters<typeof nockMessages>[0], captured: CapturedRequest[], generations = 1) {
  const seeded = await seedIssue(db, { body: "Pretty output has no colours on Windows terminals." });
  nockInstallationToken(seeded.installationId);
  nockRepositoryReads(seeded, node, { times: generations });
  nockMessages(replies, captured);
  app = await startTestApp({ db, queue, env: AI_ENV });
  return seeded;
}

describe("regenerating a deep dive", () => {
  it("needs a signed-in reader, writes the current version again while serving the old one, and is rate-limited per reader", async () => {
    const captured: CapturedRequest[] = [];
    const second = modelSections({ questions: { summary: "Ask which terminals must be supported.", items: [] } });
    // Spare answers: a regeneration asked for while none is running starts one.
    const spare = Array.from({ length: 4 }, () => ({ status: 200, body: toolAnswer(second) }));
    const seeded = await start([{ status: 200, body: toolAnswer(modelSections()) }, { status: 200, body: toolAnswer(second) }, ...spare], captured, 6);
    await api(`/issues/${seeded.issueId}/deep-dive`);
    const first = await readyDeepDive(seeded);

    const anonymous = await api(`/issues/${seeded.issueId}/deep-dive/regenerate`, { method: "POST" });
    expect(anonymous.status).toBe(401);

    const reader = await signIn(app!, db);
    const asked = await api(`/issues/${seeded.issueId}/deep-dive/regenerate`, { method: "POST", headers: reader.headers });
    expect(asked.status).toBe(202);
    const during = await json(asked);
    expect(during.deepDive.id).toBe(first.deepDive.id);
    expect(["refreshing", "ready"]).toContain(during.status);

    const after = await readyDeepDive(seeded, (b) => b.deepDive.generatedAt !== first.deepDive.generatedAt);
    expect(after.deepDive.sections.find((s: any) => s.key === "questions").summary).toBe("Ask which terminals must be supported.");
    expect(captured).toHaveLength(2);
    expect(await db.knex("deep_dives").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(1);

    // Five per hour: the sixth is refused with a wait time, and nothing is generated for it.
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await api(`/issues/${seeded.issueId}/deep-dive/regenerate`, { method: "POST", headers: reader.headers }));
    expect(more.slice(0, 4).map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(more[4]!.status).toBe(429);
    expect(Number(more[4]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json(more[4]!)).error.code).toBe("rate_limited");
  });

  it("when the model is out of credit, the previous version stays served with the reason", async () => {
    const captured: CapturedRequest[] = [];
    const seeded = await start(
      [
        { status: 200, body: toolAnswer(modelSections()) },
        { status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API." } } },
      ],
      captured,
      2,
    );
    await api(`/issues/${seeded.issueId}/deep-dive`);
    const first = await readyDeepDive(seeded);
    const reader = await signIn(app!, db);
    expect((await api(`/issues/${seeded.issueId}/deep-dive/regenerate`, { method: "POST", headers: reader.headers })).status).toBe(202);
    const after = await readyDeepDive(seeded, (b) => b.error !== null);
    expect(after.deepDive.id).toBe(first.deepDive.id);
    expect(after.deepDive.generatedAt).toBe(first.deepDive.generatedAt);
    expect(after.deepDive.generator.kind).toBe("ai");
    expect(after.error).toMatch(/spend limit or credit/);
    expect(captured).toHaveLength(2);
  });

  it("with no earlier version, a model that stays down yields the offline deep dive, saying why", async () => {
    const captured: CapturedRequest[] = [];
    const overloaded = { status: 529, body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, headers: { "retry-after": "0" } };
    const seeded = await start([overloaded, overloaded, overloaded], captured);
    await api(`/issues/${seeded.issueId}/deep-dive`);
    const body = await readyDeepDive(seeded);
    expect(captured).toHaveLength(3);
    expect(body.deepDive.generator.kind).toBe("offline");
    expect(body.deepDive.notice).toMatch(/could not be written/);
    expect(body.deepDive.sections).toHaveLength(5);
  });
});

describe("reporting an inaccuracy", () => {
  it("stores the report, flags the section for every reader, and shows it to the repository's maintainers only", async () => {
    const captured: CapturedRequest[] = [];
    const seeded = await start([{ status: 200, body: toolAnswer(modelSections()) }], captured);
    await api(`/issues/${seeded.issueId}/deep-dive`);
    const ready = await readyDeepDive(seeded);
    const reader = await signIn(app!, db);
    const report = (body: unknown) => api(`/issues/${seeded.issueId}/deep-dive/report`, { method: "POST", headers: reader.headers, body: JSON.stringify(body) });

    expect((await api(`/issues/${seeded.issueId}/deep-dive/report`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    const bad = await report({ deepDiveId: ready.deepDive.id, section: "everything", reason: "inaccurate" });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/section/);
    expect((await report({ deepDiveId: 999_999, section: "approach" })).status).toBe(404);

    const created = await report({ deepDiveId: ready.deepDive.id, section: "approach", reason: "inaccurate", comment: "src/pretty/format-line.ts is not where colours are decided" });
    expect(created.status).toBe(201);
    // Reporting the same section again replaces the report rather than adding one.
    expect((await report({ deepDiveId: ready.deepDive.id, section: "approach", reason: "unhelpful" })).status).toBe(201);
    expect(await db.knex("deep_dive_reports").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(1);

    const seen = await json(await api(`/issues/${seeded.issueId}/deep-dive`));
    const approach = seen.deepDive.sections.find((s: any) => s.key === "approach");
    expect(approach).toMatchObject({ flagged: true, reports: 1 });
    expect(seen.deepDive.sections.find((s: any) => s.key === "overview")).toMatchObject({ flagged: false, reports: 0 });

    const maintainer = await signIn(app!, db, "maintainer-ann");
    const outsider = await signIn(app!, db, "outsider-bob");
    const permissions = nock(GITHUB)
      .get(`/repos/${seeded.owner}/${seeded.repo}/collaborators/maintainer-ann/permission`)
      .reply(200, { permission: "write", role_name: "maintain", user: { login: "maintainer-ann" } })
      .get(`/repos/${seeded.owner}/${seeded.repo}/collaborators/outsider-bob/permission`)
      .reply(200, { permission: "read", role_name: "read", user: { login: "outsider-bob" } });
    const listed = await api(`/repos/${seeded.owner}/${seeded.repo}/deep-dive-reports`, { headers: maintainer.headers });
    expect(listed.status).toBe(200);
    const { reports } = await json(listed);
    expect(reports).toEqual([
      expect.objectContaining({ issueNumber: seeded.number, section: "approach", reason: "unhelpful", resolvedAt: null, snapshot: expect.objectContaining({ summary: approach.summary }) }),
    ]);
    expect(JSON.stringify(reports)).not.toContain(reader.login);
    const refused = await api(`/repos/${seeded.owner}/${seeded.repo}/deep-dive-reports`, { headers: outsider.headers });
    expect(refused.status).toBe(403);
    permissions.done();

    // A maintainer resolves it; the section is no longer flagged.
    expect((await api(`/deep-dive-reports/${reports[0].id}/resolve`, { method: "POST", headers: maintainer.headers })).status).toBe(204);
    const after = await json(await api(`/issues/${seeded.issueId}/deep-dive`));
    expect(after.deepDive.sections.find((s: any) => s.key === "approach").flagged).toBe(false);
  });
});

describe("bad requests", () => {
  it("answers a clear 4xx for malformed ids, unknown issues and repositories", async () => {
    app = await startTestApp({ db, queue });
    const cases: Array<[string, number, string]> = [
      ["/issues/abc/deep-dive", 400, "invalid_request"],
      ["/issues/-3/deep-dive", 400, "invalid_request"],
      ["/issues/123456789012345678901234/deep-dive", 400, "invalid_request"],
      ["/issues/77/deep-dive", 404, "issue_not_found"],
      ["/repos/nobody/nothing/issues/1/deep-dive", 404, "issue_not_found"],
      ["/repos/no%20body/x/issues/1/deep-dive", 400, "invalid_request"],
    ];
    for (const [path, status, code] of cases) {
      const response = await api(path);
      expect([path, response.status]).toEqual([path, status]);
      expect((await json(response)).error.code).toBe(code);
    }
  });

  it("a private repository's deep dive does not exist for someone who cannot read the repository", async () => {
    const seeded = await seedIssue(db, { isPrivate: true });
    nockInstallationToken(seeded.installationId);
    app = await startTestApp({ db, queue });
    expect((await api(`/issues/${seeded.issueId}/deep-dive`)).status).toBe(404);
    const stranger = await signIn(app, db, "stranger");
    const scope = nock(GITHUB).get(`/repos/${seeded.owner}/${seeded.repo}/collaborators/stranger/permission`).reply(404, { message: "Not Found" });
    expect((await api(`/issues/${seeded.issueId}/deep-dive`, { headers: stranger.headers })).status).toBe(404);
    scope.done();
    expect(await db.knex("deep_dives").count({ n: "*" }).then((r) => Number(r[0]!.n))).toBe(0);
  });
});
