import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { EXAMPLE_INSTALLATION_ID } from "../fixtures/github/derived-payloads.js";
import { signIn } from "../guidance/harness.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";
import { seedInstallation, startIndexApp, type IndexTestApp } from "../issues/helpers/index-test-app.js";
import { ISSUES, seedMaintainedRepository } from "./maintainer-seed.js";

let db: Db;
let app: IndexTestApp;
let deepDiveId: number;
const NOW = new Date("2024-02-01T00:00:00Z");
const GITHUB = "https://api.github.com";
const DETAIL = "/api/maintainers/repositories/Codertocat/Hello-World";

beforeEach(async () => {
  db = await createTestDb();
  await seedInstallation(db);
  await db.knex("installations").where({ id: EXAMPLE_INSTALLATION_ID }).update({ permissions: JSON.stringify({ issues: "write", metadata: "read" }) });
  app = await startIndexApp({ db, queue: createTestQueue(), now: () => NOW });
  ({ deepDiveId } = await seedMaintainedRepository(app, db));
});

afterEach(async () => {
  await app?.close();
  await db?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.baseUrl}${path}`, { headers });

/** GitHub's answer to "what may this user do on Codertocat/Hello-World", once. */
function nockPermission(login: string, permission: string, roleName: string) {
  return nock(GITHUB)
    .post(`/app/installations/${EXAMPLE_INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_maintainers", expires_at: "2099-01-01T00:00:00Z" })
    .get(`/repos/Codertocat/Hello-World/collaborators/${login}/permission`)
    .reply(200, { permission, role_name: roleName, user: { login } });
}

describe("who may see the maintainer view", () => {
  it("a signed-out visitor gets 401 from both endpoints", async () => {
    for (const path of ["/api/maintainers/installations", DETAIL]) {
      const response = await get(path);
      expect(response.status).toBe(401);
      expect((await response.json()).error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
  });

  it("someone GitHub gives only triage access sees no installation and gets 403 on the repository", async () => {
    const stranger = await signIn(app, db, "stranger");
    const list = await get("/api/maintainers/installations", stranger.headers);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ installations: [] });

    const scope = nockPermission("stranger", "read", "triage");
    const detail = await get(DETAIL, stranger.headers);
    expect(detail.status).toBe(403);
    expect((await detail.json()).error.code).toBe("not_a_maintainer");
    scope.done();
  });

  it("a member GitHub confirms as a writer sees the repository they answered on, and its figures", async () => {
    const helper = await signIn(app, db, "helper");
    const scope = nockPermission("helper", "write", "write");
    const list = await (await get("/api/maintainers/installations", helper.headers)).json();
    expect(list.installations).toHaveLength(1);
    expect(list.installations[0].repositories).toEqual([expect.objectContaining({ fullName: "Codertocat/Hello-World", access: "push_access" })]);
    // The answer is remembered: the detail asks GitHub nothing more.
    const detail = await get(DETAIL, helper.headers);
    expect(detail.status).toBe(200);
    expect((await detail.json()).access).toBe("push_access");
    scope.done();
  });

  it("an unknown repository is 404 and a malformed name or query is 400", async () => {
    const owner = await signIn(app, db, "Codertocat");
    const unknown = await get("/api/maintainers/repositories/Codertocat/Nope", owner.headers);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("repository_not_found");
    for (const path of [`/api/maintainers/repositories/Codertocat/${encodeURIComponent("bad name!")}`, `${DETAIL}?days=3`, `${DETAIL}?limit=0`, `${DETAIL}?extra=1`]) {
      const response = await get(path, owner.headers);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    }
  });
});

describe("what the installation's own account sees", () => {
  it("lists the installation with its repository", async () => {
    const owner = await signIn(app, db, "codertocat");
    const body = await (await get("/api/maintainers/installations", owner.headers)).json();
    expect(body.installations).toEqual([
      {
        id: EXAMPLE_INSTALLATION_ID,
        account: "Codertocat",
        accountType: "User",
        suspended: false,
        repositories: [
          expect.objectContaining({ owner: "Codertocat", name: "Hello-World", fullName: "Codertocat/Hello-World", openIssues: 4, access: "account", health: expect.any(Number) }),
        ],
      },
    ]);
  });

  it("reads the figures computed from what the webhooks stored", async () => {
    const owner = await signIn(app, db, "Codertocat");
    const reader = await signIn(app, db);
    const report = await fetch(`${app.baseUrl}/api/issues/${ISSUES.ready}/deep-dive/report`, {
      method: "POST",
      headers: reader.headers,
      body: JSON.stringify({ deepDiveId, section: "approach", reason: "inaccurate", comment: "The file moved." }),
    });
    expect(report.status).toBe(201);

    const response = await get(DETAIL, owner.headers);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.access).toBe("account");
    expect(body.window).toEqual({ days: 90, since: "2023-11-03T00:00:00.000Z" });

    // Two daily snapshots, oldest first, each with its components.
    expect(body.health.trend.map((p: { computedAt: string }) => p.computedAt)).toEqual(["2024-01-20T00:00:00.000Z", "2024-01-25T00:00:00.000Z"]);
    expect(body.health.trend[1]).toMatchObject({ score: body.health.latest.score, medianResponseHours: body.health.latest.components.medianResponseHours });

    // Four newcomer issues opened at 12:00; the owner answered #42 at 13:00 and a member #43 at 15:00.
    expect(body.responseTimes.newcomers).toEqual({ opened: 4, responded: 2, waiting: 2, medianHours: 2 });
    expect(body.responseTimes.everyone).toEqual({ opened: 4, responded: 2, waiting: 2, medianHours: 2 });

    // #44 is assigned (taken), #45 waits for triage, #42 and #43 are free.
    expect(body.supply.open).toEqual({ total: 4, taken: 1, notReady: 1, free: 2 });
    expect(body.supply.newcomerReady.count).toBe(1);
    expect(body.supply.newcomerReady.issues.map((i: { number: number }) => i.number)).toEqual([42]);
    expect(body.supply.candidates.count).toBe(1);
    expect(body.supply.candidates.issues).toEqual([expect.objectContaining({ number: 43, labels: ["bug"], difficulty: "beginner" })]);

    expect(body.bot).toMatchObject({ posted: 1, deletedByMaintainers: 0, last: { issueNumber: 42 }, canComment: true });
    expect(body.bot.config).toEqual({ path: ".github/illuminate.yml", stored: false, defaults: { enabled: true, labels: ["good first issue", "help wanted"] } });

    expect(body.reports.open).toBe(1);
    expect(body.reports.recent).toEqual([expect.objectContaining({ issueNumber: 42, section: "approach", reason: "inaccurate", comment: "The file moved." })]);
    expect(body.backfill).toBeNull();
    expect(body.crawl).toBeNull();
  });

  it("a shorter window and list limit narrow what is returned", async () => {
    const owner = await signIn(app, db, "Codertocat");
    const body = await (await get(`${DETAIL}?days=7&limit=1`, owner.headers)).json();
    expect(body.window.days).toBe(7);
    // The window starts at 2024-01-25 00:00, so only that day's snapshot is in it.
    expect(body.health.trend.map((p: { computedAt: string }) => p.computedAt)).toEqual(["2024-01-25T00:00:00.000Z"]);
    expect(body.responseTimes.newcomers.opened).toBe(0);
    expect(body.supply.newcomerReady.issues).toHaveLength(1);
  });
});
