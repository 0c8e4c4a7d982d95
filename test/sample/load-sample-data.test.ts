import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { generateSampleDeliveries } from "../../src/sample/generate-sample-deliveries.js";
import { deliverSample, toSignedDelivery } from "../../src/sample/deliver-sample.js";
import { SampleLoadTimeoutError } from "../../src/sample/load-sample-data.js";
import { SAMPLE_CONTRIBUTOR, SAMPLE_INSTALLATION_ID, SAMPLE_REPOSITORIES } from "../../src/sample/sample-catalog.js";
import { testPrivateKey } from "../helpers/github-webhooks.js";
import { waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { countRows, loadSmallSample, SAMPLE_NOW, startSetupModeApp } from "./sample-test-app.js";

let db: Db;
let app: TestApp | undefined;

beforeEach(async () => {
  db = await createTestDb();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await db?.close();
});

const expected = () => generateSampleDeliveries({ now: SAMPLE_NOW, issues: 30 });
const key = (event: string, action: string | null) => `${event}.${action ?? ""}`;

function countByEvent(deliveries: Array<{ event: string; payload: Record<string, unknown> }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of deliveries) {
    const k = key(d.event, typeof d.payload.action === "string" ? d.payload.action : null);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

async function storedCounts(): Promise<Record<string, number>> {
  const rows: Array<{ event: string; action: string | null; n: string | number }> = await db
    .knex("webhook_deliveries")
    .select("event", "action")
    .count({ n: "*" })
    .groupBy("event", "action");
  return Object.fromEntries(rows.map((r) => [key(r.event, r.action), Number(r.n)]));
}

describe("loading the sample through the webhook inbox", () => {
  it("stores every generated delivery in the inbox, processes all of them, and the index, contributions and health come out of the jobs", async () => {
    app = await startSetupModeApp(db);
    const deliveries = expected();
    const result = await loadSmallSample(app);

    expect(result).toMatchObject({ deliveries: deliveries.length, accepted: deliveries.length, failed: 0 });
    expect(await storedCounts()).toEqual(countByEvent(deliveries));
    const statuses: Array<{ status: string }> = await db.knex("webhook_deliveries").distinct("status");
    expect(statuses.map((s) => s.status)).toEqual(["processed"]);
    expect(await countRows(db, "webhook_deliveries", { installation_id: SAMPLE_INSTALLATION_ID })).toBe(deliveries.length);

    // What the handlers made of them.
    const opened = deliveries.filter((d) => d.event === "issues" && d.payload.action === "opened").length;
    const merged = deliveries.filter((d) => d.event === "pull_request" && d.payload.action === "closed");
    const mergedBySample = merged.filter((d) => (d.payload.pull_request as { user: { login: string } }).user.login === SAMPLE_CONTRIBUTOR.login);
    expect(await countRows(db, "installations", { id: SAMPLE_INSTALLATION_ID })).toBe(1);
    expect(await db.knex("repositories").orderBy("id").pluck("full_name")).toEqual(SAMPLE_REPOSITORIES.map((r) => `illuminate-sample/${r.name}`));
    expect(await countRows(db, "issues")).toBe(opened);
    expect(await countRows(db, "pull_requests")).toBe(deliveries.filter((d) => d.event === "pull_request" && d.payload.action === "opened").length);
    expect(await countRows(db, "contribution_events")).toBe(merged.length);
    expect(mergedBySample.length).toBeGreaterThanOrEqual(2);
    // The portfolio's own listener turned each merge into a contribution, still waiting for enrichment (GitHub is unreachable).
    const contributions: Array<{ github_pr_id: string | number; title: string; enriched_at: Date | null }> = await db
      .knex("contributions")
      .where({ author_github_id: SAMPLE_CONTRIBUTOR.id })
      .select("github_pr_id", "title", "enriched_at");
    expect(contributions.map((c) => Number(c.github_pr_id)).sort()).toEqual(mergedBySample.map((d) => (d.payload.pull_request as { id: number }).id).sort());
    expect(contributions.every((c) => c.enriched_at === null && /^illuminate-sample\/[a-z-]+#\d+$/.test(c.title))).toBe(true);
    // Claims and linked pull requests became signals; commits and health scores exist for every repository.
    expect(await countRows(db, "issue_signals")).toBeGreaterThan(0);
    for (const repo of SAMPLE_REPOSITORIES) {
      expect(await countRows(db, "repository_commits", { repository_id: repo.id })).toBeGreaterThan(0);
      expect(await countRows(db, "repo_health_snapshots", { repository_id: repo.id })).toBeGreaterThan(0);
    }
    expect(await countRows(db, "feed_index")).toBeGreaterThan(0);
    // The sample contributor, with the skill profile from the skills page and onboarding done.
    const user = await db.knex("users").where({ github_id: SAMPLE_CONTRIBUTOR.id }).first();
    expect(user).toMatchObject({ login: "sample-contributor", onboarding_state: "preferences_set", profile_status: "pending" });
    expect(await db.knex("user_skills").where({ user_id: user.id }).orderBy("skill").pluck("source")).toEqual(Array(6).fill("manual"));
    expect(await countRows(db, "user_tokens", { user_id: user.id })).toBe(0);
    expect(await db.knex("sample_data").first("status")).toEqual({ status: "loaded" });
  }, 120_000);

  it("with no worker running, the signed deliveries wait in the inbox and nothing is indexed; a worker starting later indexes them", async () => {
    app = await startSetupModeApp(db, { ROLE: "web" });
    const signed = expected().map((d) => toSignedDelivery(d));
    expect(await deliverSample(app.illuminate.inbox, signed)).toBe(signed.length);

    expect(await countRows(db, "webhook_deliveries", { status: "pending" })).toBe(signed.length);
    for (const table of ["installations", "repositories", "issues", "pull_requests", "contribution_events", "contributions", "users", "user_skills"]) {
      expect({ table, rows: await countRows(db, table) }).toEqual({ table, rows: 0 });
    }
    // The loader itself waits for workers that never come, and says so.
    await expect(loadSmallSample(app, { timeoutMs: 500 })).rejects.toBeInstanceOf(SampleLoadTimeoutError);
    expect(await db.knex("sample_data").first("status")).toEqual({ status: "failed" });
    expect(await countRows(db, "issues")).toBe(0);

    await app.illuminate.queue.start();
    await waitFor(async () => (await countRows(db, "webhook_deliveries", { status: "processed" })) === signed.length, 60_000, "the inbox to drain");
    expect(await countRows(db, "issues")).toBe(expected().filter((d) => d.event === "issues" && d.payload.action === "opened").length);
  }, 120_000);

  it("a delivery whose body does not match its signature is refused and never stored", async () => {
    app = await startSetupModeApp(db, { ROLE: "web" });
    const [first] = expected().map((d) => toSignedDelivery(d));
    const tampered = { ...first!, body: first!.body.replace("illuminate-sample", "someone-else") };
    await expect(deliverSample(app.illuminate.inbox, [tampered])).rejects.toThrow(/signature/i);
    await expect(deliverSample(app.illuminate.inbox, [first!], { secret: "another-secret" })).rejects.toThrow(/signature/i);
    expect(await countRows(db, "webhook_deliveries")).toBe(0);
  });

  it("on a first development run without a GitHub App the server loads the sample by itself, and /api/health says so", async () => {
    app = await startSetupModeApp(db, { NODE_ENV: "development", ROLE: "web" });
    const health = async () => ((await (await fetch(`${app!.baseUrl}/api/health`)).json()) as { sampleData: unknown }).sampleData;
    expect(await health()).toEqual({ loaded: false });
    const started = await app.illuminate.sample.autoload({ issues: 12, timeoutMs: 60_000 });
    expect(started).not.toBeNull();
    await app.illuminate.queue.start();
    // The server answers while the load runs.
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
    expect(await started!.done).toMatchObject({ failed: 0 });
    expect(await health()).toEqual({ loaded: true });
    expect(await countRows(db, "issues")).toBe(12);
    // Loaded once: a second start leaves it alone.
    expect(await app.illuminate.sample.autoload()).toBeNull();
  }, 120_000);

  it("SAMPLE_DATA=off, a GitHub App, or a database that already has issues each keep the sample out", async () => {
    app = await startSetupModeApp(db, { NODE_ENV: "development", ROLE: "web", SAMPLE_DATA: "off" });
    expect(await app.illuminate.sample.autoload()).toBeNull();
    await app.close();
    app = await startSetupModeApp(db, { NODE_ENV: "development", ROLE: "web", APP_ID: "123", PRIVATE_KEY: testPrivateKey });
    expect(app.illuminate.config.github.appConfigured).toBe(true);
    expect(await app.illuminate.sample.autoload()).toBeNull();
    await app.close();
    await db.knex("installations").insert({ id: 42, account_id: 7, account_login: "acme", account_type: "Organization", target_type: "Organization", repository_selection: "all" });
    app = await startSetupModeApp(db, { NODE_ENV: "development", ROLE: "web" });
    expect(await app.illuminate.sample.autoload()).toBeNull();
    expect(await countRows(db, "webhook_deliveries")).toBe(0);
  });
});
