import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { resetSampleData } from "../../src/sample/reset-sample-data.js";
import { SAMPLE_CONTRIBUTOR, SAMPLE_INSTALLATION_ID } from "../../src/sample/sample-catalog.js";
import { webhookExample } from "../helpers/github-webhooks.js";
import { waitFor, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { upsertGithubUser } from "../../src/users/user-store.js";
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

const TABLES = ["installations", "repositories", "issues", "issue_comments", "pull_requests", "contribution_events", "contributions", "webhook_deliveries", "users", "user_skills", "repository_commits", "repo_health_snapshots", "feed_index"];

async function snapshot(): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await countRows(db, t)] as const)));
}

describe("removing the sample", () => {
  it("removes everything the sample created and leaves other data alone", async () => {
    app = await startSetupModeApp(db);
    // Someone else's data: a real user, and an installation with an issue from GitHub's own examples.
    await upsertGithubUser(db.knex, { id: 424242, login: "real-person", name: null, avatarUrl: null, email: null, bio: null }, SAMPLE_NOW);
    const { inbox } = app.illuminate;
    await inbox.accept({ deliveryId: "real-1", event: "installation", payload: webhookExample("installation", "created") });
    await inbox.accept({ deliveryId: "real-2", event: "issues", payload: { ...webhookExample("issues", "opened"), installation: { id: (webhookExample("installation", "created").installation as { id: number }).id } } });
    await waitFor(async () => (await inbox.stats()).pending === 0, 20_000, "the real deliveries");
    const before = await snapshot();

    await loadSmallSample(app, { issues: 12 });
    expect((await snapshot()).issues).toBeGreaterThan(before.issues!);

    const removed = await resetSampleData(db.knex, SAMPLE_NOW);
    expect(removed).toMatchObject({ installations: 1, repositories: 5, issues: 12, users: 1 });
    expect(removed.contributions).toBeGreaterThanOrEqual(2);
    const after = await snapshot();
    // Health snapshots are rescored for every repository by the sample's jobs; the sample's own went with their repositories.
    expect({ ...after, repo_health_snapshots: 0 }).toEqual({ ...before, repo_health_snapshots: 0 });
    expect(await countRows(db, "installations", { id: SAMPLE_INSTALLATION_ID })).toBe(0);
    expect(await countRows(db, "users", { github_id: SAMPLE_CONTRIBUTOR.id })).toBe(0);
    expect(await countRows(db, "users", { login: "real-person" })).toBe(1);
    expect(await db.knex("sample_data").first("status")).toEqual({ status: "removed" });

    // /api/health no longer reports a sample, and the next start does not bring it back.
    const health = (await (await fetch(`${app.baseUrl}/api/health`)).json()) as { sampleData: unknown };
    expect(health.sampleData).toEqual({ loaded: false });
    expect(await app.illuminate.sample.autoload()).toBeNull();
  }, 120_000);

  it("npm run sample:reset prints one line and exits 0, also when there is nothing to remove", async () => {
    await db.close();
    const dataDir = mkdtempSync(join(tmpdir(), "illuminate-sample-"));
    const run = promisify(execFile);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", APP_ID: "", PRIVATE_KEY: "", LOG_LEVEL: "silent", ENV_FILE: join(dataDir, ".env") };
    const { stdout, stderr } = await run("npx", ["tsx", "src/sample/sample-cli.ts", "reset"], { env, cwd: process.cwd() });
    expect(stdout.trim().split("\n")).toEqual(["no sample data to remove; it will not be loaded at the next start"]);
    expect(stderr).toBe("");
    const failure = await run("npx", ["tsx", "src/sample/sample-cli.ts", "explode"], { env, cwd: process.cwd() }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr.trim().split("\n")).toEqual(["sample: usage: sample-cli load [--issues N] | reset"]);
    db = await createTestDb();
  }, 240_000);
});
